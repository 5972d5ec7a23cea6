import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { identify } from '@libp2p/identify'
import { multiaddr } from '@multiformats/multiaddr'
import { tappedNetwork, type BitswapOptions, type PeerKey } from '@swapwright/core'
import { libp2pNetwork } from '@swapwright/transports'
import { createLibp2p } from 'libp2p'
import { loopbackStack } from './util/libp2p-node.js'
import { seedAddress, seededFile, type SeededFile } from './util/seed-fetch.js'
import { sameBytes, startSwapwright, type SwapwrightPeer } from './util/swapwright-node.js'

const MiB = 1024 * 1024
const KiB = 1024
const FETCHERS = 6
/** Blocks a second the slow server sends each fetcher: its leaves take about four seconds to arrive. */
const SLOW_BLOCKS_PER_SECOND = 4
/** The fetchers' rebroadcast interval against the slow server: well past the gap between two of its blocks. */
const SHORT_REBROADCAST = 1500

/**
 * Counts, over real libp2p on 127.0.0.1: several client nodes fetching one file from one server at the same
 * time. Each fetch is what `swapwright get` does: dial, then a session over the peer at once (its Bitswap
 * protocol may still be negotiating), the small root, then every leaf. One server, so a duplicate can only be
 * the client asking the same peer twice for a block already on its way; there must be none.
 */
describe('concurrent fetchers of one server', () => {
  let seed: SwapwrightPeer
  let file: SeededFile
  before(async () => {
    file = await seededFile(8 * MiB, MiB, 611)
    // A server as `swapwright serve` runs it: many connections from one address at once are accepted.
    const libp2p = await createLibp2p({ ...loopbackStack(), services: { identify: identify() }, connectionManager: { inboundConnectionThreshold: 1000, maxIncomingPendingConnections: 1000 } })
    seed = await startSwapwright({ libp2p, blocks: [file.root, ...file.leaves] })
  })
  after(async () => { await seed.stop() })

  for (const gap of [0, 250]) {
    it(`${FETCHERS} fetchers started ${gap === 0 ? 'at once' : `${gap} ms apart`}, three times: no duplicate block`, async () => {
      const duplicates: number[] = []
      for (let round = 0; round < 3; round++) {
        duplicates.push(...await Promise.all(Array.from({ length: FETCHERS }, async (_, i) => {
          await new Promise(resolve => setTimeout(resolve, i * gap))
          return fetchFile(seed, file)
        })))
      }
      console.log(`duplicates per fetcher: ${duplicates.join(', ')}`)
      assert.deepEqual(duplicates, new Array(duplicates.length).fill(0))
    })
  }
})

/**
 * A server that sends each fetcher a block every quarter second, as a busy `swapwright serve` does when many
 * fetch at once: a fetch outlasts the fetchers' rebroadcast interval many times over. A want is sent again only
 * after the peer has been silent for that interval; asking again while its blocks are coming would, once a
 * block is out and the server has forgotten the want, bring that block twice. The server counts every
 * WANT_BLOCK it receives: none may come twice from one fetcher for one block.
 */
describe('concurrent fetchers of a server still sending', () => {
  let seed: SwapwrightPeer
  let file: SeededFile
  /** WANT_BLOCKs the server received, by fetcher and CID. */
  const wantBlocks = new Map<string, number>()
  before(async () => {
    file = await seededFile(16 * 256 * KiB, 256 * KiB, 613)
    const libp2p = await createLibp2p({ ...loopbackStack(), services: { identify: identify() } })
    const count = (peer: PeerKey, cid: string): void => {
      const key = `${peer} ${cid}`
      wantBlocks.set(key, (wantBlocks.get(key) ?? 0) + 1)
    }
    seed = await startSwapwright({
      libp2p,
      blocks: [file.root, ...file.leaves],
      network: node => tappedNetwork(libp2pNetwork(node), {
        received: (peer, message) => {
          for (const entry of message.wantlist?.entries ?? []) if (!entry.cancel && entry.wantType === 'block') count(peer, entry.cid.toString())
        }
      }) as ReturnType<typeof libp2pNetwork>,
      options: { maxBlocksPerSecondPerPeer: SLOW_BLOCKS_PER_SECOND }
    })
  })
  after(async () => { await seed.stop() })

  it('four fetchers at once: no want asked twice of the server while it sends, no duplicate block', async () => {
    const duplicates = await Promise.all(Array.from({ length: 4 }, async () => fetchFile(seed, file, { rebroadcastInterval: SHORT_REBROADCAST })))
    const repeated = [...wantBlocks].filter(([, times]) => times > 1)
    console.log(`duplicates per fetcher: ${duplicates.join(', ')}; wants received more than once: ${repeated.length}`)
    assert.equal(wantBlocks.size, 4 * (1 + file.leaves.length), 'every fetcher asked for every block')
    assert.deepEqual(repeated, [])
    assert.deepEqual(duplicates, [0, 0, 0, 0])
  })
})

/** One fetch of `file` by a fresh client node (with `options`), as `swapwright get` does it; returns its duplicate blocks. */
async function fetchFile (seed: SwapwrightPeer, file: SeededFile, options: Partial<BitswapOptions> = {}): Promise<number> {
  const fetcher = await startSwapwright({ options })
  try {
    const { key, addrs } = seedAddress(seed)
    await fetcher.libp2p.dial(addrs.map(addr => multiaddr(addr)))
    const session = fetcher.node.createSession({ providers: [key] })
    assert.ok(sameBytes(await session.getBlock(file.root.cid), file.root.data))
    let got = 0
    for await (const { bytes } of session.getBlocks(file.leaves.map(leaf => leaf.cid))) {
      assert.equal(bytes.byteLength, file.leaves[0].data.byteLength)
      got++
    }
    assert.equal(got, file.leaves.length)
    session.close()
    return fetcher.node.stats().client.duplicateBlocks
  } finally {
    await fetcher.stop()
  }
}
