import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { identify } from '@libp2p/identify'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { loopbackStack } from './util/libp2p-node.js'
import { seedAddress, seededFile, type SeededFile } from './util/seed-fetch.js'
import { sameBytes, startSwapwright, type SwapwrightPeer } from './util/swapwright-node.js'

const MiB = 1024 * 1024
const FETCHERS = 6

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

  /** One fetcher's whole fetch; returns its duplicate blocks. */
  async function fetchOnce (): Promise<number> {
    const fetcher = await startSwapwright()
    try {
      const { key, addrs } = seedAddress(seed)
      await fetcher.libp2p.dial(addrs.map(addr => multiaddr(addr)))
      const session = fetcher.node.createSession({ providers: [key] })
      assert.ok(sameBytes(await session.getBlock(file.root.cid), file.root.data))
      let got = 0
      for await (const { bytes } of session.getBlocks(file.leaves.map(leaf => leaf.cid))) {
        assert.equal(bytes.byteLength, MiB)
        got++
      }
      assert.equal(got, file.leaves.length)
      session.close()
      return fetcher.node.stats().client.duplicateBlocks
    } finally {
      await fetcher.stop()
    }
  }

  for (const gap of [0, 250]) {
    it(`${FETCHERS} fetchers started ${gap === 0 ? 'at once' : `${gap} ms apart`}, three times: no duplicate block`, async () => {
      const duplicates: number[] = []
      for (let round = 0; round < 3; round++) {
        duplicates.push(...await Promise.all(Array.from({ length: FETCHERS }, async (_, i) => {
          await new Promise(resolve => setTimeout(resolve, i * gap))
          return fetchOnce()
        })))
      }
      console.log(`duplicates per fetcher: ${duplicates.join(', ')}`)
      assert.deepEqual(duplicates, new Array(duplicates.length).fill(0))
    })
  }
})
