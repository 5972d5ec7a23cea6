import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SeededRandom } from '@swapwright/core'
import {
  allToAll, blockSet, defineScenario, FETCH_PATTERNS, goScenarios, onePeerPerBlock, overlap1, overlap2, selectScenarios,
  type FetchSession
} from '../src/index.js'
import type { CID } from 'multiformats/cid'

/** A session that records the calls a fetch pattern makes, and answers at once. */
function recorder (): { session: FetchSession, calls: string[] } {
  const calls: string[] = []
  let open = 0
  const session: FetchSession = {
    getBlock: async (cid: CID) => {
      calls.push(`block ${cid.toString()}`)
      return new Uint8Array()
    },
    getBlocks: async function * (cids: Iterable<CID>) {
      const list = [...cids]
      open++
      calls.push(`batch ${list.length} (open ${open})`)
      await new Promise(resolve => setImmediate(resolve))
      for (const cid of list) yield { cid, bytes: new Uint8Array() }
      open--
    }
  }
  return { session, calls }
}

describe('lab: scenarios', () => {
  it('has every scenario of the Go suite with its node and block counts', () => {
    const all = goScenarios()
    const groups = new Map<string, number>()
    for (const s of all) groups.set(s.name.split('/')[0], (groups.get(s.name.split('/')[0]) ?? 0) + 1)
    assert.deepEqual(Object.fromEntries(groups), { FixedDelay: 18, FetchFromOldBitswap: 3, RealWorld: 3, Datacenter: 1, DatacenterMultiLeechMultiSeed: 1 })
    const by = (name: string) => all.find(s => s.name === name)
    assert.deepEqual([by('FixedDelay/10Nodes-AllToAll-UnixfsFetchLarge')?.blocks, by('FixedDelay/200Nodes-AllToAll-BigBatch')?.nodes], [1000, 200])
    for (const s of all.filter(s => s.name.startsWith('RealWorld/'))) assert.deepEqual([s.nodes, s.blocks, s.blockSize, s.rootBlockSize], [300, 200, 8000, 800])
    const multi = by('DatacenterMultiLeechMultiSeed/3Leech3Seed-AllToAll-UnixfsFetch')
    assert.deepEqual([multi?.nodes, multi?.fetchers, multi?.seeds, multi?.blocks, multi?.blockSize, multi?.network.blockstoreLatency], [6, 3, 3, 1000, 262144, 25])
    for (const s of all.filter(s => s.name.startsWith('FetchFromOldBitswap/'))) assert.deepEqual([s.nodes, s.blocks, s.seedVersion], [3, 10, '1.1.0'])
    assert.equal(by('FixedDelay/3Nodes-Overlap3-UnixfsFetch')?.distribution.name, 'overlap2')
  })

  it('spreads blocks as the Go distributions do', () => {
    const random = new SeededRandom(1)
    assert.deepEqual(allToAll.assign(3, 4, random), [[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]])
    const [a, b] = overlap1.assign(2, 100, random)
    assert.deepEqual([a[0], a.at(-1), a.length, b[0], b.at(-1), b.length], [0, 74, 75, 25, 99, 75])
    assert.deepEqual(overlap2.assign(2, 7, random), [[0, 2, 3, 4, 6], [0, 1, 3, 5, 6]])
    const spread = onePeerPerBlock.assign(10, 100, random)
    assert.deepEqual(spread.flat().sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i))
    assert.ok(spread.filter(s => s.length > 0).length > 5, 'blocks land on many seeds')
    assert.throws(() => overlap1.assign(3, 10, random), /exactly 2 seeds/)
  })

  it('fetches in the Go patterns: one by one, batches of 10, the unixfs walks', async () => {
    const blocks = await blockSet({ count: 1000, size: 16, rootSize: 8 })
    const cids = blocks.map(b => b.cid)
    const small = cids.slice(0, 100)
    const trace = async (name: keyof typeof FETCH_PATTERNS, list: CID[]): Promise<string[]> => {
      const { session, calls } = recorder()
      await FETCH_PATTERNS[name].fetch(session, list)
      return calls.map(c => c.startsWith('block') ? 'block' : c)
    }
    assert.deepEqual(await trace('oneAtATime', small), Array(100).fill('block'))
    assert.deepEqual(await trace('batchFetchBy10', small), Array(10).fill('batch 10 (open 1)'))
    assert.deepEqual(await trace('batchFetchAll', small), ['batch 100 (open 1)'])
    assert.deepEqual(await trace('fetchAllConcurrent', small), Array(100).fill('block'))
    assert.deepEqual(await trace('unixfsFileFetch', small), ['block', 'batch 10 (open 1)', 'batch 89 (open 1)'])
    const large = await trace('unixfsFileFetchLarge', cids)
    assert.deepEqual(large.slice(0, 3), ['block', 'batch 10 (open 1)', 'batch 89 (open 1)'])
    assert.equal(large.length, 3 + 90)
    // the rest goes in rounds of five batches of ten, all five open at once
    assert.deepEqual(large.slice(3, 8), [1, 2, 3, 4, 5].map(n => `batch 10 (open ${n})`))
  })

  it('makes repeatable, distinct blocks with a small root', async () => {
    const one = await blockSet({ count: 5, size: 8000, rootSize: 800 })
    const two = await blockSet({ count: 5, size: 8000, rootSize: 800 })
    assert.deepEqual(one.map(b => b.bytes.byteLength), [800, 8000, 8000, 8000, 8000])
    assert.equal(new Set(one.map(b => b.cid.toString())).size, 5)
    assert.deepEqual(one.map(b => b.cid.toString()), two.map(b => b.cid.toString()))
  })

  it('selects scenarios by name or glob, and fails on a pattern that matches nothing', () => {
    const all = goScenarios()
    assert.equal(selectScenarios(all, ['FixedDelay/*']).length, 18)
    assert.deepEqual(selectScenarios(all, ['3Nodes-AllToAll-OneAtATime']).map(s => s.name), ['FixedDelay/3Nodes-AllToAll-OneAtATime', 'FetchFromOldBitswap/3Nodes-AllToAll-OneAtATime'])
    assert.equal(selectScenarios(all, ['datacenter*,RealWorld/*Fast*']).length, 3)
    assert.throws(() => selectScenarios(all, ['NoSuch*']), /No scenario matches "NoSuch\*"/)
  })

  it('defines a scenario in a few lines, with checked inputs', () => {
    const s = defineScenario({ name: 'Mine', nodes: 4, blocks: 20, blockSize: 1024, distribution: 'allToAll', fetch: 'batchFetchBy10' })
    assert.deepEqual([s.seeds, s.fetchers, s.rootBlockSize, s.network.name, s.seedVersion], [3, 1, 800, 'fixed 10 ms', '1.2.0'])
    assert.throws(() => defineScenario({ name: 'Bad', nodes: 4, blocks: 20, blockSize: 1024, distribution: 'overlap1', fetch: 'oneAtATime' }), /exactly 2 seeds/)
    assert.throws(() => defineScenario({ name: 'Bad', nodes: 1, blocks: 20, blockSize: 1024, distribution: 'allToAll', fetch: 'oneAtATime' }), /no seed/)
    assert.throws(() => defineScenario({ name: 'Bad', nodes: 3, blocks: 20, blockSize: 1024, distribution: 'allToAll', fetch: 'nope' as 'oneAtATime' }), /unknown fetch pattern/)
  })
})
