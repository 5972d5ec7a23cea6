import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { identify, type Identify } from '@libp2p/identify'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { blockstorePlugin } from '@swapwright/core'
import { MemoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { BITSWAP_METRICS, bitswapService, type Libp2pBitswapService } from '@swapwright/transports'
import { createLibp2p } from 'libp2p'
import { Registry } from 'prom-client'
import { makeBlocks, type TestBlock } from './util/blocks.js'
import { loopbackStack, stopNodes } from './util/libp2p-node.js'
import type { Libp2p } from '@libp2p/interface'

type ServiceNode = Libp2p<{ identify: Identify, bitswap: Libp2pBitswapService }>

async function node (blocks: TestBlock[], registry?: Registry): Promise<ServiceNode> {
  const store = new MemoryBlockstore()
  for (const block of blocks) await store.put(block.cid, block.data)
  return createLibp2p({
    ...loopbackStack(),
    ...(registry == null ? {} : { metrics: prometheusMetrics({ registry, collectDefaultMetrics: false }) }),
    services: { identify: identify(), bitswap: bitswapService({ blockstore: blockstorePlugin(store), ...goDefaults() }) }
  })
}

/** Every sample of a metric in Prometheus' text format, by its labels (`''` for none). */
function samples (text: string, name: string): Map<string, number> {
  const found = new Map<string, number>()
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line)
    if (match != null) found.set(match[1] ?? '', Number(match[2]))
  }
  return found
}

describe('the libp2p service\'s metrics', { timeout: 60_000 }, () => {
  it('registers boxo-named counters with libp2p\'s Metrics, and they move as a fetch goes', async (t) => {
    const blocks = await makeBlocks(8, 50_000, 77)
    const registry = new Registry()
    const [fetcher, seedA, seedB] = await Promise.all([node([], registry), node(blocks), node(blocks)])
    t.after(async () => { await stopNodes(fetcher, seedA, seedB) })
    const before = await registry.metrics()
    for (const name of BITSWAP_METRICS) assert.ok(before.includes(`# TYPE ${name} `), `${name} is registered`)
    assert.equal(samples(before, 'ipfs_bitswap_unique_blocks_received').get(''), 0)

    await fetcher.dial(seedA.getMultiaddrs())
    await fetcher.dial(seedB.getMultiaddrs())
    const signal = AbortSignal.timeout(30_000)
    const session = fetcher.services.bitswap.createSession({ signal })
    await Promise.all(blocks.map(async block => session.getBlock(block.cid, { signal })))
    session.close()

    const after = await registry.metrics()
    const one = (name: string): number => samples(after, name).get('') ?? NaN
    assert.equal(one('ipfs_bitswap_unique_blocks_received'), blocks.length)
    assert.ok(one('ipfs_bitswap_blocks_received') >= blocks.length)
    assert.ok(one('ipfs_bitswap_data_received_bytes') >= 8 * 50_000)
    // a session with no peers yet asks everyone: broadcast WANT_HAVEs, answered with HAVEs (blocks over 1 KiB)
    assert.ok(one('ipfs_bitswap_wanthaves_broadcast') > 0, after)
    assert.ok(one('ipfs_bitswap_haves_received') > 0, after)
    assert.equal(one('ipfs_bitswap_wantlist_total'), 0, 'nothing is wanted any more')
    assert.equal(one('ipfs_bitswap_peers'), 2)
    // per peer: the blocks the two seeds gave add up to what arrived
    const perPeer = samples(after, 'ipfs_bitswap_peer_blocks_received')
    const seeds = [seedA, seedB].map(seed => `{peer="${seed.peerId.toString()}"}`)
    assert.deepEqual([...perPeer.keys()].sort(), seeds.sort())
    assert.equal([...perPeer.values()].reduce((a, b) => a + b, 0), one('ipfs_bitswap_blocks_received'))
  })
})
