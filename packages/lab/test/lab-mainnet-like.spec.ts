import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  describeLabScenario, goScenarios, htmlReport, isMainnetLike, labListing, labScenarios, mainnetLike, NAMED_STRATEGIES,
  runLab, selectScenarios, type MainnetLikeScenario
} from '../src/index.js'

/** MainnetLike/SingleRoots cut down to test size: the same rules over 120 peers and a short warm-up. */
const small: MainnetLikeScenario = { ...mainnetLike('MainnetLike/SingleRoots'), connectedPeers: 120, providers: 100, dhtOnlyPeers: 3, warmupRoots: 10, roots: 12 }
const { goDefaults, boxo2025, adaptive } = NAMED_STRATEGIES

describe('lab: MainnetLike scenarios in the regular runner', () => {
  it('are in the lab\'s catalog after the Go suite, selected by name, listed, and kept out of the default selection', () => {
    const all = labScenarios()
    assert.deepEqual(all.slice(0, goScenarios().length).map(s => s.name), goScenarios().map(s => s.name))
    assert.deepEqual(selectScenarios(all, ['MainnetLike/*']).map(s => s.name), ['MainnetLike/SingleRoots', 'MainnetLike/Dag100', 'MainnetLike/RootStream'])
    assert.ok(selectScenarios(all, ['MainnetLike/*']).every(isMainnetLike))
    assert.ok(!selectScenarios(all, ['FixedDelay/*']).some(isMainnetLike))
    assert.match(labListing(), /MainnetLike\/Dag100 +850 connected peers/)
    assert.match(labListing(), /boxo2025, adaptive/)
    assert.equal(describeLabScenario(small).connectedPeers, 120)
    assert.equal(describeLabScenario(small).network, small.network.name)
  })

  it('fill the lab\'s per-run metrics and summaries, the same report twice', async () => {
    const run = async (): Promise<string> => JSON.stringify(await runLab({ scenarios: [small], strategies: { goDefaults, boxo2025, adaptive }, seeds: [1, 2] }))
    const first = await run()
    assert.equal(await run(), first)
    const report = JSON.parse(first)
    assert.equal(report.runs.length, 6)
    for (const r of report.runs) {
      assert.equal(r.ok, true)
      assert.deepEqual(r.inconsistencies, [], `${r.strategy} seed ${r.seed}`)
      assert.equal(r.blocksRequested, small.roots)
      assert.ok(r.rootsAvailable > 0 && r.rootsFound <= r.rootsAvailable, JSON.stringify(r))
      assert.equal(r.success, r.rootsFound / r.rootsAvailable)
      assert.equal(r.uniqueBlocks, r.rootsFound, 'single roots: one block per root found')
      assert.ok(r.timeToFirstBlockMs > 0 && r.timeToFirstBlockMs < small.rootDeadline, JSON.stringify(r))
      assert.ok(r.timeMs > r.timeToFirstBlockMs)
      assert.ok(r.messagesSent > 0 && r.messagesReceived > 0 && r.messagesPerRoot > 0)
      assert.ok(r.traffic.broadcastWantHaves > 0 && r.traffic.wantHaves >= r.traffic.broadcastWantHaves, JSON.stringify(r.traffic))
      assert.equal(r.blocksOverTime.at(-1)[1], r.uniqueBlocks)
      assert.equal(r.firstBlockTimes.length, small.roots)
    }
    const [all, boxo] = report.summaries
    assert.equal(report.scenarios[0].name, 'MainnetLike/SingleRoots')
    assert.equal(boxo.vsBaseline.baseline, 'goDefaults')
    assert.equal(boxo.vsBaseline.diff.broadcastWantHaves.n, 2)
    assert.ok(boxo.vsBaseline.diff.broadcastWantHaves.mean < 0, 'boxo2025 broadcasts less than goDefaults')
    for (const seed of [1, 2]) {
      const broadcasts = (strategy: string): number => report.runs.find((r: { strategy: string, seed: number }) => r.strategy === strategy && r.seed === seed).traffic.broadcastWantHaves
      assert.ok(broadcasts('boxo2025') < broadcasts('goDefaults'), `seed ${seed}`)
    }
    assert.ok(all.ci95.timeToFirstBlockMs.mean > 0)
    const html = htmlReport(report)
    assert.match(html, /MainnetLike\/SingleRoots/)
    assert.match(html, /<th>connectedPeers<\/th>/)
  })
})
