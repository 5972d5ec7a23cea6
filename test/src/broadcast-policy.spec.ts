import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { adaptiveBroadcast, boxo2025, goDefaults } from '@swapwright/strategies'
import { makeBlocks } from './util/blocks.js'
import { addressesOf } from './util/libp2p-node.js'
import { Swarm } from './util/swarm.js'
import { sameBytes, startSwapwright } from './util/swapwright-node.js'
import type { Bitswap } from '@swapwright/core'
import type { TestBlock } from './util/blocks.js'

const SEEDS = 6

/** Messages the fetcher sent each seed, by seed name. */
function messagesTo (swarm: Swarm, from: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const link of swarm.net.linkStats()) if (link.from === from) out.set(link.to, link.messages)
  return out
}

async function fetch (swarm: Swarm, node: Bitswap, block: TestBlock, providers?: string[]): Promise<void> {
  await swarm.run(async () => {
    const session = node.createSession({ providers })
    const bytes = await session.getBlock(block.cid)
    session.close()
    assert.deepEqual(bytes, block.data)
  })
}

/** Six seeds nobody can find through routing, only by asking: seed-3 holds every block. */
async function swarmWith (preset: ReturnType<typeof goDefaults>): Promise<{ swarm: Swarm, fetcher: Bitswap, blocks: TestBlock[] }> {
  const blocks = await makeBlocks(3, 4096, 151)
  const swarm = new Swarm({ latency: 10 })
  for (let i = 0; i < SEEDS; i++) await swarm.add(`seed-${i}`, { blocks: i === 3 ? blocks : [], announce: false })
  const fetcher = await swarm.add('fetcher', { options: { preset } })
  await swarm.connectAll()
  return { swarm, fetcher: fetcher.node, blocks }
}

describe('broadcast policy: who hears a session\'s broadcast WANT_HAVEs', () => {
  it('goDefaults asks every connected peer, and stats() counts one broadcast WANT_HAVE per peer', async () => {
    const { swarm, fetcher, blocks } = await swarmWith(goDefaults())
    await fetch(swarm, fetcher, blocks[0])
    assert.equal(fetcher.stats().client.broadcastWantHaves, SEEDS)
    for (const [seed, messages] of messagesTo(swarm, 'fetcher')) assert.ok(messages > 0, `${seed} was asked`)
    await swarm.run(async () => swarm.stop())
  })

  it('boxo2025 broadcasts only to a peer that has answered on its connection', async () => {
    const { swarm, fetcher, blocks } = await swarmWith(boxo2025())
    // No peer has answered yet: the first block comes from a provider the application names.
    await fetch(swarm, fetcher, blocks[0], ['seed-3'])
    assert.equal(fetcher.stats().client.broadcastWantHaves, 0)
    await fetch(swarm, fetcher, blocks[1])
    assert.equal(fetcher.stats().client.broadcastWantHaves, 1, 'one broadcast WANT_HAVE, to seed-3')
    for (const [seed, messages] of messagesTo(swarm, 'fetcher')) {
      if (seed !== 'seed-3') assert.equal(messages, 0, `${seed} heard nothing`)
    }
    await swarm.run(async () => swarm.stop())
  })

  // learnUntil 0: narrowed from the first want (by default a node with no scores asks everyone until it has learned).
  it('adaptiveBroadcast widens step by step until the holder is asked, then asks it first', async () => {
    const { swarm, fetcher, blocks } = await swarmWith({ ...goDefaults(), broadcastPolicy: adaptiveBroadcast({ steps: [1, 2, Infinity], everyoneAfter: 0, learnUntil: 0 }) })
    await fetch(swarm, fetcher, blocks[0])
    const first = fetcher.stats().client.broadcastWantHaves
    assert.ok(first >= 1 && first <= SEEDS, `${first} broadcast WANT_HAVEs for a cold start`)
    await fetch(swarm, fetcher, blocks[1])
    assert.equal(fetcher.stats().client.broadcastWantHaves - first, 1, 'the peer that served it is asked alone')
    assert.equal(fetcher.stats().policyFailures.broadcastPolicy, 0)
    await swarm.run(async () => swarm.stop())
  })
})

describe('broadcast policy over real libp2p on 127.0.0.1', () => {
  it('boxo2025 counts a loopback peer as local and broadcasts to it before it has answered, as boxo does', async () => {
    const blocks = await makeBlocks(2, 4096, 152)
    const seed = await startSwapwright({ blocks })
    const fetcher = await startSwapwright({ options: { preset: boxo2025() } })
    try {
      await fetcher.network.connect({ peer: seed.key, addresses: addressesOf(seed.libp2p) })
      assert.deepEqual(fetcher.network.standing(seed.key), { local: true })
      const session = fetcher.node.createSession()
      const bytes = await session.getBlock(blocks[0].cid, { signal: AbortSignal.timeout(30_000) })
      session.close()
      assert.ok(sameBytes(bytes, blocks[0].data))
      assert.equal(fetcher.node.stats().client.broadcastWantHaves, 1)
    } finally {
      await fetcher.stop()
      await seed.stop()
    }
  })
})
