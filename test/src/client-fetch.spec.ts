import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeBlocks } from './util/blocks.js'
import { Swarm } from './util/swarm.js'

describe('client: fetching on the simulated network', () => {
  it('1 fetcher, 1 seed, 1,000 blocks: all arrive byte-exact with no duplicates', async () => {
    const blocks = await makeBlocks(1000, 1024, 41)
    const swarm = new Swarm({ latency: 20 })
    await swarm.add('seed', { blocks })
    const fetcher = await swarm.add('fetcher')
    await swarm.connectAll()
    const session = fetcher.node.createSession()
    const got = new Map<string, Uint8Array>()
    const elapsed = await swarm.run(async () => {
      const start = swarm.clock.now()
      for await (const { cid, bytes } of session.getBlocks(blocks.map(b => b.cid))) got.set(cid.toString(), bytes)
      return swarm.clock.now() - start
    })
    assert.equal(got.size, 1000)
    for (const block of blocks) assert.deepEqual(got.get(block.cid.toString()), block.data)
    assert.equal(session.stats().duplicateBlocks, 0)
    assert.equal(fetcher.node.stats().client.duplicateBlocks, 0)
    const latency = session.stats().averageLatency
    assert.ok(latency != null && latency >= 40, `a round trip is 40 ms, measured ${latency}`)
    for (const block of blocks.slice(0, 10)) assert.equal(await fetcher.store.has(block.cid), true, 'fetched blocks are stored')
    console.log(`1,000 blocks in ${elapsed} ms of virtual time`)
    session.close()
    await swarm.stop()
  })

  it('want() fetches one block and leaves an empty wantlist behind', async () => {
    const [block] = await makeBlocks(1, 5000, 42)
    const swarm = new Swarm()
    await swarm.add('seed', { blocks: [block] })
    const fetcher = await swarm.add('fetcher')
    await swarm.connectAll()
    const announced: string[] = []
    fetcher.node.addEventListener('block:received', event => { announced.push(`${event.detail.cid}@${event.detail.peer}`) })
    const progress: string[] = []
    const bytes = await swarm.run(async () => fetcher.node.want(block.cid, { onProgress: event => progress.push(event.type) }))
    assert.deepEqual(bytes, block.data)
    assert.deepEqual(announced, [`${block.cid}@seed`])
    assert.deepEqual(progress, ['bitswap:want:sent', 'bitswap:want:received'])
    assert.deepEqual(await fetcher.node.want(block.cid, { onProgress: event => progress.push(event.type) }), block.data, 'now from the blockstore')
    assert.equal(progress.at(-1), 'bitswap:want:local')
    assert.deepEqual(fetcher.node.getWantlist(), [])
    assert.equal(fetcher.node.stats().client.sessions, 0)
    await swarm.stop()
  })
})
