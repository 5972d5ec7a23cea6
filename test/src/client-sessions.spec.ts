import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeBlocks } from './util/blocks.js'
import { Swarm } from './util/swarm.js'

describe('client: session life and provider search', () => {
  it('finds a seed it was never told about through provider search, after the first idle tick', async () => {
    const blocks = await makeBlocks(5, 2000, 101)
    const swarm = new Swarm({ latency: 10 })
    await swarm.add('seed', { blocks })
    const fetcher = await swarm.add('fetcher')
    // No connection at all: the only way to the seed is the routing.
    const session = fetcher.node.createSession()
    const elapsed = await swarm.run(async () => {
      const start = swarm.clock.now()
      for await (const _ of session.getBlocks(blocks.map(b => b.cid))) { /* drain */ }
      return swarm.clock.now() - start
    })
    assert.equal(session.stats().blocksReceived, 5)
    assert.equal(session.stats().providerSearches, 1, 'one search on the first idle tick')
    assert.ok(elapsed >= 1000, 'the search waits for the provider search delay (1 s)')
    assert.equal(swarm.routing.lookups, 1)
    session.close()
    await swarm.stop()
  })

  it('a session ends when its signal aborts: its wants are cancelled and its timers stop', async () => {
    const [block] = await makeBlocks(1, 100, 102)
    const swarm = new Swarm({ latency: 10 })
    await swarm.add('empty')
    const fetcher = await swarm.add('fetcher')
    await swarm.connectAll()
    const controller = new AbortController()
    const session = fetcher.node.createSession({ signal: controller.signal })
    const wanting = session.getBlock(block.cid).then(() => new Error("resolved"), (err: Error) => err)
    await swarm.clock.advance(3000)
    assert.equal(fetcher.node.getWantlist().length, 1)
    controller.abort()
    assert.equal((await wanting).name, 'AbortError')
    assert.equal(session.isClosed, true)
    assert.deepEqual(fetcher.node.getWantlist(), [])
    assert.equal(fetcher.node.stats().client.sessions, 0)
    // Only the empty node's own work may still be scheduled; the fetcher's session left nothing behind.
    await swarm.clock.runUntilIdle({ maxTime: 120_000 })
    assert.equal(swarm.clock.pending, 0)
    await swarm.stop()
  })

  it('stopping the node ends every session and fails the calls still waiting', async () => {
    const [block] = await makeBlocks(1, 100, 103)
    const swarm = new Swarm({ latency: 10 })
    const fetcher = await swarm.add('fetcher')
    const session = fetcher.node.createSession()
    const wanting = session.getBlock(block.cid).then(() => new Error("resolved"), (err: Error) => err)
    const direct = fetcher.node.want(block.cid).then(() => new Error("resolved"), (err: Error) => err)
    await swarm.clock.advance(10)
    await fetcher.node.stop()
    assert.equal((await wanting).name, 'AbortError')
    assert.equal((await direct).name, 'AbortError')
    assert.equal(session.isClosed, true)
    assert.equal(swarm.clock.pending, 0)
  })

  it('counts a block that arrives twice as a duplicate of the session that got it', async () => {
    const [block] = await makeBlocks(1, 100, 104)
    const swarm = new Swarm({ latency: 10 })
    await swarm.add('a', { blocks: [block] })
    await swarm.add('b', { blocks: [block] })
    const fetcher = await swarm.add('fetcher', { options: {} })
    await swarm.connectAll()
    const session = fetcher.node.createSession()
    // Both seeds get a want-have in discovery; a 100-byte block is small enough that both answer with it.
    await swarm.run(async () => session.getBlock(block.cid))
    await swarm.run(async () => swarm.clock.sleep(100))
    assert.equal(session.stats().blocksReceived, 1)
    assert.equal(session.stats().duplicateBlocks, 1)
    assert.equal(fetcher.node.stats().client.duplicateBlocks, 1)
    session.close()
    await swarm.stop()
  })
})

describe('client: announcing blocks', () => {
  it('announces the blocks it receives, so the next fetcher finds it too', async () => {
    const [block] = await makeBlocks(1, 3000, 105)
    const swarm = new Swarm({ latency: 10 })
    await swarm.add('seed', { blocks: [block] })
    const first = await swarm.add('first')
    await first.node.components.network.connect('seed')
    await swarm.run(async () => first.node.want(block.cid))
    assert.deepEqual(swarm.routing.providersOf(block.cid).sort(), ['first', 'seed'])
    await swarm.stop()
  })

  it('announces nothing when told not to', async () => {
    const [block] = await makeBlocks(1, 3000, 106)
    const swarm = new Swarm({ latency: 10 })
    await swarm.add('seed', { blocks: [block] })
    const quiet = await swarm.add('quiet', { options: { announceBlocks: false } })
    await quiet.node.components.network.connect('seed')
    await swarm.run(async () => quiet.node.want(block.cid))
    assert.deepEqual(swarm.routing.providersOf(block.cid), ['seed'])
    await swarm.stop()
  })
})
