import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeBlocks, makeV0Blocks } from './util/blocks.js'
import { Swarm } from './util/swarm.js'

describe('client: blocks spread over seeds', () => {
  it('fetches everything when each seed holds only some of the blocks', async () => {
    const blocks = await makeBlocks(90, 4096, 71)
    const swarm = new Swarm({ latency: 15 })
    // Seed i holds the blocks whose index is i mod 3, plus block 0 everywhere.
    for (let i = 0; i < 3; i++) await swarm.add(`seed${i}`, { blocks: blocks.filter((_b, j) => j % 3 === i || j === 0) })
    const fetcher = await swarm.add('fetcher')
    await swarm.connectAll()
    const session = fetcher.node.createSession()
    const got = await swarm.run(async () => {
      const out = new Map<string, Uint8Array>()
      for await (const { cid, bytes } of session.getBlocks(blocks.map(b => b.cid))) out.set(cid.toString(), bytes)
      return out
    })
    assert.equal(got.size, blocks.length)
    for (const block of blocks) assert.deepEqual(got.get(block.cid.toString()), block.data)
    console.log(`spread over 3 seeds: ${session.stats().duplicateBlocks} duplicates, peers in session ${session.stats().peers}`)
    session.close()
    await swarm.stop()
  })
})

describe('client: older peers', () => {
  it('fetches from seeds that speak only 1.1.0 or 1.0.0, which are asked for blocks and never for HAVEs', async () => {
    const raw = await makeBlocks(20, 3000, 72)
    const v0 = await makeV0Blocks(20, 3000, 73)
    const swarm = new Swarm({ latency: 10 })
    const v11 = await swarm.add('v11', { blocks: raw, version: '1.1.0' })
    const v10 = await swarm.add('v10', { blocks: v0, version: '1.0.0' })
    const fetcher = await swarm.add('fetcher')
    await swarm.connectAll()
    assert.equal(fetcher.node.components.network.version('v11'), '1.1.0')
    assert.equal(fetcher.node.components.network.version('v10'), '1.0.0')
    const session = fetcher.node.createSession()
    const wanted = [...raw, ...v0]
    const got = await swarm.run(async () => {
      const out = new Map<string, Uint8Array>()
      for await (const { cid, bytes } of session.getBlocks(wanted.map(b => b.cid))) out.set(cid.toString(), bytes)
      return out
    })
    for (const block of wanted) assert.deepEqual(got.get(block.cid.toString()), block.data)
    assert.equal(v11.node.stats().server.havesSent, 0)
    assert.equal(v10.node.stats().server.havesSent, 0)
    assert.equal(v11.node.stats().server.dontHavesSent, 0)
    session.close()
    await swarm.stop()
  })
})
