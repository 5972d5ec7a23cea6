import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { randomFile, swapwrightGet } from './util/kubo-interop.js'
import { KUBO_SUITE_TIMEOUT, KuboNode, kuboSkipReason } from './util/kubo-node.js'

const MiB = 1024 * 1024
const SEEDS = 4

/**
 * Counts, not times: `swapwright get` of a file from four Kubo seeds, over TCP + noise + yamux on 127.0.0.1.
 * Kubo answers a WANT_HAVE for a block of at most 1024 bytes with the block itself, so every WANT_HAVE our
 * client sends for a small leaf is a copy on its way; a walk that asks the other seeds for each 1 KiB leaf gets
 * the file two to three times over. Counted on both sides: the fetcher's duplicates, and the blocks the seeds
 * sent beyond one per block.
 */
describe('duplicate blocks from Kubo seeds', { skip: await kuboSkipReason(), timeout: KUBO_SUITE_TIMEOUT }, () => {
  let work: string
  let seeds: KuboNode[] = []
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'swapwright-dups-kubo-'))
    seeds = await Promise.all(Array.from({ length: SEEDS }, async () => KuboNode.start()))
  })
  after(async () => {
    await Promise.all(seeds.map(async seed => seed.stop()))
    await rm(work, { recursive: true, force: true })
  })

  for (const chunk of [1024, 1025]) {
    it(`${SEEDS} Kubo seeds, 2 MiB in ${chunk} B raw leaves: at most 2 % of the blocks arrive twice`, async () => {
      const file = await randomFile(join(work, `src-${chunk}`), 2 * MiB)
      const add = ['add', '-Q', '--pin=false', '--cid-version', '1', '--raw-leaves', '--chunker', `size-${chunk}`, file]
      const roots = await Promise.all(seeds.map(async seed => (await seed.ipfs(add)).stdout.toString().trim()))
      assert.equal(new Set(roots).size, 1, 'the seeds hold the same DAG')
      const sentBefore = await Promise.all(seeds.map(async seed => (await seed.bitswapStats()).BlocksSent))
      const done = await swapwrightGet(roots[0], seeds.map(seed => seed.address), file, work, join(work, `repo-${chunk}`))
      const sentAfter = await Promise.all(seeds.map(async seed => (await seed.bitswapStats()).BlocksSent))
      const sent = sentAfter.reduce((sum, n, i) => sum + n - sentBefore[i], 0)
      console.log(`${done.blocks} blocks; duplicates received ${done.duplicates}; sent by the seeds ${sent} (${sentAfter.map((n, i) => n - sentBefore[i]).join(' + ')})`)
      assert.ok(done.duplicates <= 0.02 * done.blocks, `${done.duplicates} duplicates of ${done.blocks} blocks`)
      assert.ok(sent - done.blocks <= 0.02 * done.blocks, `the seeds sent ${sent} blocks for ${done.blocks}`)
    })
  }
})
