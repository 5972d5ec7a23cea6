import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ci95, excludesZero, pairedDifference, summarize, tQuantile975, type RunResult } from '../src/index.js'

/** A completed run with the given time and duplicates; everything else plain. */
function run (strategy: string, seed: number, timeMs: number, duplicateBlocks = 0, ok = true): RunResult {
  return {
    scenario: 'S',
    strategy,
    seed,
    ok,
    timeMs,
    blocksRequested: 10,
    blocksReceived: 10 + duplicateBlocks,
    uniqueBlocks: 10,
    duplicateBlocks,
    messagesSent: 5,
    messagesReceived: 5,
    bytesSent: 100,
    bytesReceived: 1000,
    timeToFirstBlockMs: timeMs / 10,
    rootsAvailable: 10,
    rootsFound: 10,
    success: 1,
    messagesPerRoot: 1,
    blocksOverTime: [[timeMs, 10]],
    traffic: { messages: 10, bytes: 1100, wantBlocks: 10, wantHaves: 4, cancels: 0, blocks: 10, haves: 0, dontHaves: 0, broadcastWantHaves: 4 },
    inconsistencies: [],
    clockGuardTrips: 0
  }
}

describe('lab: intervals over seeds', () => {
  it('takes Student t quantiles from the table and between its tail points', () => {
    assert.equal(tQuantile975(1), 12.706)
    assert.equal(tQuantile975(4), 2.776)
    assert.equal(tQuantile975(30), 2.042)
    assert.equal(Number(tQuantile975(35).toFixed(3)), 2.030)
    assert.equal(tQuantile975(Infinity), 1.96)
    assert.throws(() => tQuantile975(0), /Degrees of freedom/)
  })

  it('gives the mean with a t interval, and no bounds for a single value', () => {
    // mean 2, sd 1, n 3: half-width 4.303 / sqrt(3)
    const i = ci95([1, 2, 3])
    assert.equal(i.n, 3)
    assert.equal(i.mean, 2)
    assert.equal(i.low, Number((2 - 4.303 / Math.sqrt(3)).toFixed(6)))
    assert.equal(i.high, Number((2 + 4.303 / Math.sqrt(3)).toFixed(6)))
    assert.deepEqual(ci95([5]), { n: 1, mean: 5, low: null, high: null })
    assert.ok(Number.isNaN(ci95([]).mean))
    assert.deepEqual(ci95([4, 4, 4]), { n: 3, mean: 4, low: 4, high: 4 })
  })

  it('pairs by key: a constant shift is certain even where the seeds vary a lot', () => {
    const a = new Map([[1, 110], [2, 510], [3, 1010]])
    const b = new Map([[1, 100], [2, 500], [3, 1000], [4, 7]])
    const paired = pairedDifference(a, b)
    assert.deepEqual(paired, { n: 3, mean: 10, low: 10, high: 10 })
    assert.ok(excludesZero(paired))
    // the unpaired intervals of the same runs overlap almost entirely
    const [ia, ib] = [ci95([...a.values()]), ci95([...b.values()].slice(0, 3))]
    assert.ok((ia.low ?? 0) < (ib.high ?? 0))
    assert.equal(excludesZero(ci95([-1, 1, 2])), false)
  })

  it('summarizes with intervals and the paired difference against the baseline, leaving failed runs out', () => {
    const base = [run('base', 1, 100, 2), run('base', 2, 300, 4), run('base', 3, 200, 6)]
    const mine = [run('mine', 1, 90, 0), run('mine', 2, 280, 1), run('mine', 3, 0, 0, false)]
    const s = summarize(mine, { name: 'base', runs: base })
    assert.equal(s.runs, 2)
    assert.equal(s.failed, 1)
    assert.equal(s.ci95.timeMs.n, 2)
    assert.equal(s.ci95.timeMs.mean, 185)
    assert.equal(s.vsBaseline?.baseline, 'base')
    // seeds 1 and 2 pair up: -10 and -20
    assert.equal(s.vsBaseline?.diff.timeMs.n, 2)
    assert.equal(s.vsBaseline?.diff.timeMs.mean, -15)
    assert.equal(s.vsBaseline?.diff.duplicateBlocks.mean, -2.5)
    assert.equal(s.traffic.broadcastWantHaves, 4)
    assert.equal(s.timeToFirstBlockMs, 18.5)
    assert.equal(summarize(base, { name: 'base', runs: base }).vsBaseline, undefined, 'the baseline has no difference from itself')
  })
})
