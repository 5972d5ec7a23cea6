import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it, type TestContext } from 'node:test'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { libp2pNetwork } from '@swapwright/transports'
import { exporter } from 'ipfs-unixfs-exporter'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { KUBO_SUITE_TIMEOUT, KuboNode, kuboSkipReason } from './util/kubo-node.js'
import { addressesOf } from './util/libp2p-node.js'
import { sameBytes, startSwapwright, type SwapwrightPeer } from './util/swapwright-node.js'
import { collect, importFile, sessionStore } from './util/unixfs.js'
import { CID } from 'multiformats/cid'
import type { ImporterOptions } from 'ipfs-unixfs-importer'

/** Every fetch gets this long before it fails the test instead of hanging it. */
const FETCH_TIMEOUT = 60_000
/** A file of 16 leaves of 256 KiB and a short one: many blocks in flight at once. */
const FILE_SIZE = 4 * 1024 * 1024 + 999

/**
 * Each Bitswap version, with the layout it can carry: 1.0.0 sends bare block bytes, from which the receiver can
 * only make a CIDv0, so it moves CIDv0 DAGs; 1.1.0 and 1.2.0 carry CID prefixes and move CIDv1 with raw leaves.
 */
const versions: Array<{ protocol: string, kuboAdd: string[], importer: ImporterOptions }> = [
  { protocol: '/ipfs/bitswap/1.2.0', kuboAdd: ['--cid-version', '1', '--raw-leaves'], importer: { cidVersion: 1, rawLeaves: true, chunker: fixedSize({ chunkSize: 256 * 1024 }) } },
  { protocol: '/ipfs/bitswap/1.1.0', kuboAdd: ['--cid-version', '1', '--raw-leaves'], importer: { cidVersion: 1, rawLeaves: true, chunker: fixedSize({ chunkSize: 256 * 1024 }) } },
  { protocol: '/ipfs/bitswap/1.0.0', kuboAdd: [], importer: { profile: 'unixfs-v0-2015' } }
]

/** A Swapwright node that speaks only `protocol`, so every exchange with Kubo uses that version. */
async function swapwrightOn (t: TestContext, protocol: string): Promise<SwapwrightPeer> {
  const peer = await startSwapwright({ network: libp2p => libp2pNetwork(libp2p, { protocols: [protocol] }) })
  t.after(async () => { await peer.stop() })
  return peer
}

/** The Bitswap protocols of the streams between our node and Kubo, as our side sees them. */
function bitswapStreams (peer: SwapwrightPeer, kuboPeer: string): string[] {
  return peer.libp2p.getConnections(peerIdFromString(kuboPeer))
    .flatMap(connection => connection.streams)
    .map(stream => stream.protocol)
    .filter(protocol => protocol?.startsWith('/ipfs/bitswap') === true)
}

describe('Bitswap versions with Kubo, both ways', { skip: await kuboSkipReason(), timeout: KUBO_SUITE_TIMEOUT }, () => {
  // One Kubo node for every test (a daemon takes seconds to start): each test's file is fresh random bytes, so
  // no block of one test is already held by another, and Kubo's counters are read as differences.
  let kubo: KuboNode
  before(async () => { kubo = await KuboNode.start() })
  after(async () => { await kubo?.stop() })

  for (const { protocol, kuboAdd, importer } of versions) {
    it(`${protocol}: Swapwright fetches a file Kubo added`, async (t) => {
      const seed = kubo
      const fetcher = await swapwrightOn(t, protocol)
      const bytes = randomBytes(FILE_SIZE)
      const root = (await seed.ipfs(['add', '-Q', ...kuboAdd], { input: bytes })).stdout.toString().trim()
      await fetcher.libp2p.dial(multiaddr(seed.address))

      const signal = AbortSignal.timeout(FETCH_TIMEOUT)
      const session = fetcher.node.createSession({ providers: [seed.peerId] })
      t.after(() => { session.close() })
      const entry = await exporter(CID.parse(root), sessionStore(session), { signal })
      assert.equal(entry.type, 'file')
      assert.ok(sameBytes(await collect(entry.content({ signal })), bytes), 'the file is byte-exact')
      const streams = bitswapStreams(fetcher, seed.peerId)
      assert.ok(streams.length > 0 && streams.every(p => p === protocol), `only ${protocol} between us: ${streams.join(', ')}`)
      const client = fetcher.node.stats().client
      assert.equal(client.invalidBlocks, 0)
      t.diagnostic(`${root}: ${client.blocksReceived} blocks; Swapwright's duplicates ${client.duplicateBlocks}`)
    })

    it(`${protocol}: Kubo fetches a file Swapwright holds (ipfs cat)`, async (t) => {
      const fetcher = kubo
      const before = await fetcher.bitswapStats()
      const seed = await swapwrightOn(t, protocol)
      const bytes = randomBytes(FILE_SIZE)
      const { root, cids } = await importFile(bytes, importer, async (cid, data) => seed.store.put(cid, data))
      const address = addressesOf(seed.libp2p).find(a => a.startsWith('/ip4/127.0.0.1/tcp/'))
      assert.ok(address != null)
      await fetcher.rpc('swarm/connect', { arg: address })

      const cat = await fetcher.ipfs(['cat', '--timeout=60s', root.toString()])
      assert.ok(cat.stdout.equals(bytes), 'the file is byte-exact')
      const streams = bitswapStreams(seed, fetcher.peerId)
      assert.ok(streams.length > 0 && streams.every(p => p === protocol), `only ${protocol} between us: ${streams.join(', ')}`)
      assert.ok(seed.node.stats().server.blocksSent >= cids.length, 'every block came from Swapwright')
      const stats = await fetcher.bitswapStats()
      assert.equal(stats.BlocksReceived - before.BlocksReceived, cids.length, "Kubo received each of the DAG's blocks")
      t.diagnostic(`${root.toString()}: ${cids.length} blocks; Kubo's duplicates ${stats.DupBlksReceived - before.DupBlksReceived}`)
    })
  }
})
