import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { go2019, goDefaults } from '@swapwright/strategies'
import { makeBlocks, type TestBlock } from './util/blocks.js'
import { Swarm } from './util/swarm.js'

/** One fetcher and three seeds that each hold every block; blocks fetched one at a time. */
async function threeSeedsOneAtATime (preset: ReturnType<typeof goDefaults>, blocks: TestBlock[]): Promise<{ duplicates: number, time: number }> {
  const swarm = new Swarm({ latency: 10, options: { preset } })
  for (let i = 0; i < 3; i++) await swarm.add(`seed${i}`, { blocks })
  const fetcher = await swarm.add('fetcher')
  await swarm.connectAll()
  const session = fetcher.node.createSession()
  const time = await swarm.run(async () => {
    const start = swarm.clock.now()
    for (const block of blocks) {
      const bytes = await session.getBlock(block.cid)
      assert.deepEqual(bytes, block.data)
    }
    return swarm.clock.now() - start
  })
  // Blocks still in flight when the last want was met would count as duplicates once they land.
  await swarm.run(async () => swarm.clock.sleep(1000))
  const duplicates = session.stats().duplicateBlocks
  session.close()
  await swarm.stop()
  return { duplicates, time }
}

describe('client: many peers', () => {
  it('1 fetcher, 3 seeds with every block, one at a time: goDefaults() keeps duplicates at or under 5 %', async () => {
    const blocks = await makeBlocks(100, 2048, 51)
    const boxo = await threeSeedsOneAtATime(goDefaults(), blocks)
    const old = await threeSeedsOneAtATime(go2019(), blocks)
    console.log(`3 seeds, 100 blocks one at a time: goDefaults ${boxo.duplicates} duplicates in ${boxo.time} ms; go2019 ${old.duplicates} duplicates in ${old.time} ms (virtual)`)
    assert.ok(boxo.duplicates <= 5, `goDefaults duplicates ${boxo.duplicates} > 5 % of 100 blocks`)
  })
})
