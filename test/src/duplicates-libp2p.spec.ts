import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { fetchFromSeeds, seedAddress, seededFile, startSeeds } from './util/seed-fetch.js'
import type { SwapwrightPeer } from './util/swapwright-node.js'

const KiB = 1024
const MiB = 1024 * KiB

/**
 * Counts, not times, over real libp2p on 127.0.0.1: a fetch must not bring blocks twice, from one seed (where
 * only a timeout storm could cause it) or from four (where asking several peers could). Timing belongs to the
 * benchmark (`npm run bench:dups`).
 */
describe('duplicate blocks over real libp2p', () => {
  const running: SwapwrightPeer[] = []
  after(async () => { await Promise.all(running.map(async seed => seed.stop())) })

  it('one seed, 64 MiB in 1 MiB chunks: ten fetches, each without a duplicate block', async () => {
    const file = await seededFile(64 * MiB, MiB, 301)
    const seeds = await startSeeds(1, file)
    running.push(...seeds)
    const duplicates: number[] = []
    for (let i = 0; i < 10; i++) duplicates.push((await fetchFromSeeds(seeds.map(seedAddress), file)).duplicates)
    console.log(`duplicates per fetch: ${duplicates.join(', ')}`)
    assert.deepEqual(duplicates, new Array(10).fill(0))
  })

  for (const [chunk, bytes] of [[KiB, 2 * MiB], [256 * KiB, 16 * MiB], [MiB, 32 * MiB]]) {
    it(`four seeds, ${chunk / KiB} KiB chunks: at most 2 % of the blocks arrive twice`, async () => {
      const file = await seededFile(bytes, chunk, 311 + chunk)
      const seeds = await startSeeds(4, file)
      running.push(...seeds)
      const outcome = await fetchFromSeeds(seeds.map(seedAddress), file)
      console.log(`${outcome.blocks} blocks, ${outcome.duplicates} duplicates`)
      assert.ok(outcome.duplicates <= 0.02 * outcome.blocks, `${outcome.duplicates} duplicates of ${outcome.blocks} blocks`)
    })
  }
})
