import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { factoryPlugin, StoppedError, type AbortOptions, type ProviderFinder, type ProviderRecord } from '@swapwright/core'
import { DhtProviderFinder, dhtProviderFinder } from '@swapwright/transports'
import { makeBlocks } from './util/blocks.js'
import { createDhtNode, type DhtNode } from './util/dht-node.js'
import { stopNodes } from './util/libp2p-node.js'
import { sameBytes, startSwapwright, type SwapwrightPeer } from './util/swapwright-node.js'
import type { CID } from 'multiformats/cid'

/** Resolves once `node`'s routing table holds at least `size` peers. */
async function routingTableHolds (node: DhtNode, size: number, signal: AbortSignal): Promise<void> {
  const table = (node.services.dht as unknown as { routingTable: { size: number } }).routingTable
  while (table.size < size) {
    signal.throwIfAborted()
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/**
 * Resolves once a provider lookup run by `node` names `provider` for `cid`. Announcements land on the other
 * nodes asynchronously; this waits for that instead of guessing how long it takes.
 */
async function findableThrough (node: DhtNode, cid: CID, provider: string, signal: AbortSignal): Promise<void> {
  for (;;) {
    signal.throwIfAborted()
    const attempt = AbortSignal.any([signal, AbortSignal.timeout(2_000)])
    try {
      for await (const found of node.contentRouting.findProviders(cid, { signal: attempt })) {
        if (found.id.toString() === provider) return
      }
    } catch (err) {
      if (signal.aborted) throw err
    }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** The DHT finder, recording every provider it reports, so a test can tell discovery from a lucky broadcast. */
class RecordingFinder implements ProviderFinder {
  readonly name = 'recording-dht-finder'
  readonly dht: DhtProviderFinder
  readonly lookups: string[] = []
  readonly found: Array<{ cid: string, peer: string, addresses: string[] }> = []

  constructor (libp2p: DhtNode) {
    this.dht = new DhtProviderFinder(libp2p)
  }

  async * findProviders (cid: CID, options?: AbortOptions): AsyncIterable<ProviderRecord> {
    this.lookups.push(cid.toString())
    for await (const record of this.dht.findProviders(cid, options)) {
      this.found.push({ cid: cid.toString(), ...record })
      yield record
    }
  }

  async provide (cid: CID): Promise<void> {
    await this.dht.provide(cid)
  }
}

describe('DHT discovery: a 5-node Kademlia DHT over TCP on 127.0.0.1', { timeout: 90_000 }, () => {
  it('a fetcher told only the CIDs finds the seed through the DHT and fetches from it', async () => {
    const blocks = await makeBlocks(3, 64 * 1024, 400)
    const dhts: DhtNode[] = []
    let seed: SwapwrightPeer | undefined
    let fetcher: SwapwrightPeer | undefined
    const settled = AbortSignal.timeout(60_000)
    try {
      // The DHT: the seed and four plain DHT servers (no Bitswap), joined in a star around the first of them.
      const seedLibp2p = await createDhtNode()
      seed = await startSwapwright({ libp2p: seedLibp2p, blocks, options: { providerFinder: dhtProviderFinder(seedLibp2p) } })
      for (let i = 0; i < 4; i++) dhts.push(await createDhtNode())
      const [hub, ...others] = dhts
      const leaves = [seedLibp2p, ...others]
      for (const leaf of leaves) await leaf.dial(hub.getMultiaddrs())
      await routingTableHolds(hub, 4, settled)
      // Each leaf asks the hub for the peers closest to itself, and so meets the other leaves: with every table
      // full, an announcement reaches every server (a lookup only follows peers closer than the one answering,
      // so sparse tables can leave a record short of the peers a later lookup asks).
      await Promise.all(leaves.map(async leaf => {
        await routingTableHolds(leaf, 1, settled)
        for await (const peer of leaf.peerRouting.getClosestPeers(leaf.peerId.toMultihash().bytes, { signal: settled })) void peer
      }))
      await Promise.all(dhts.concat(seedLibp2p).map(async node => routingTableHolds(node, 4, settled)))

      // The seed is told about its blocks like any application would; the node announces them on the DHT.
      await seed.node.notifyNewBlocks(blocks.map(b => b.cid))
      const finder = seed.node.components.providerFinder as DhtProviderFinder
      // Resolves with the announcements queued above (a CID queued twice is announced once).
      await Promise.all(blocks.map(async b => finder.provide(b.cid)))
      assert.ok(finder.provides.provided >= blocks.length, 'every announcement went out')
      // The fetcher's only contact: a leaf that is not the seed.
      const far = others[others.length - 1]
      for (const block of blocks) await findableThrough(far, block.cid, seed.key, settled)

      // The fetcher is a DHT client connected to one leaf only: it knows no seed and no address,
      // and runs no self-query, so it meets other peers only through the lookups its Bitswap node makes.
      const fetcherLibp2p = await createDhtNode({ clientMode: true, quiet: true })
      const recording = new RecordingFinder(fetcherLibp2p)
      fetcher = await startSwapwright({
        libp2p: fetcherLibp2p,
        options: { providerFinder: factoryPlugin(recording.name, () => recording) }
      })
      await fetcherLibp2p.dial(far.getMultiaddrs())
      await routingTableHolds(fetcherLibp2p, 1, settled)
      assert.deepEqual(fetcherLibp2p.getConnections().map(c => c.remotePeer.toString()), [far.peerId.toString()])
      assert.deepEqual(fetcher.network.connectedPeers(), [], 'no Bitswap peer to start with')

      const signal = AbortSignal.timeout(30_000)
      assert.ok(sameBytes(await fetcher.node.want(blocks[0].cid, { signal }), blocks[0].data), 'want() found the seed')
      assert.ok(recording.lookups.length > 0, 'the node looked the CID up')
      assert.ok(recording.lookups.every(cid => cid === blocks[0].cid.toString()), 'and only that CID')
      const [found] = recording.found
      assert.equal(found?.peer, seed.key, 'the DHT named the seed')
      assert.ok(found.addresses.length > 0 && found.addresses.every(a => a.startsWith('/ip4/127.0.0.1/tcp/')), found.addresses.join(' '))
      const session = fetcher.node.createSession({ signal })
      const got = new Map<string, Uint8Array>()
      try {
        for await (const { cid, bytes } of session.getBlocks(blocks.map(b => b.cid), { signal })) got.set(cid.toString(), bytes)
      } finally {
        session.close()
      }
      for (const block of blocks) assert.ok(sameBytes(got.get(block.cid.toString()), block.data), `block ${block.cid.toString()} is byte-exact`)
      assert.ok(fetcher.network.connectedPeers().includes(seed.key), 'the fetcher dialled the seed it found')
      assert.ok(fetcherLibp2p.getConnections(seedLibp2p.peerId).length > 0)
      const served = seed.network.stats(fetcher.key)
      assert.ok((served?.bytesSent ?? 0) >= 64 * 1024, 'the seed served the fetcher')

      // The finder is Startable: stopping the node stops it, so nothing is announced for a node that is gone.
      await seed.node.stop()
      await assert.rejects(finder.provide(blocks[0].cid), StoppedError)
    } finally {
      await fetcher?.stop()
      await seed?.stop()
      await stopNodes(...dhts)
    }
  })
})
