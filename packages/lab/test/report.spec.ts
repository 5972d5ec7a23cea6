import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { goDefaults } from '@swapwright/strategies'
import { barChartSvg, htmlReport, median, runLab, selectScenarios, goScenarios, summaryTable } from '../src/index.js'
import { benchStats, benchTable } from '../src/bench/table.js'

describe('lab: summaries and reports', () => {
  it('takes medians over seeds', () => {
    assert.equal(median([3, 1, 2]), 2)
    assert.equal(median([4, 1, 3, 2]), 2.5)
    assert.ok(Number.isNaN(median([])))
  })

  it('prints a table of medians and a self-contained HTML report', async () => {
    const scenarios = selectScenarios(goScenarios(), ['FetchFromOldBitswap/3Nodes-AllToAll-OneAtATime'])
    const report = await runLab({ scenarios, strategies: { goDefaults, 'mine <&>': goDefaults }, seeds: [1, 2, 3] })
    assert.equal(report.runs.length, 6)
    assert.equal(report.summaries.length, 2)
    const table = summaryTable(report)
    assert.match(table, /FetchFromOldBitswap\/3Nodes-AllToAll-OneAtATime +\d+\.\d{3} s/)
    const html = htmlReport(report)
    assert.match(html, /^<!DOCTYPE html>/)
    // two bar charts, the interval chart, the paired-difference chart, and one blocks-over-time chart per scenario
    assert.equal((html.match(/<svg /g) ?? []).length, 5)
    assert.equal((html.match(/<polyline class="series"/g) ?? []).length, 6, 'one line per run')
    assert.match(html, /time vs goDefaults \(paired\)/)
    assert.ok(html.includes('mine &lt;&amp;&gt;'), 'names are escaped')
    assert.ok(!html.includes('mine <&>'))
    assert.doesNotMatch(html, /<script|<link|@import|url\(|\s(src|href)=/i)
  })

  it('draws one bar per strategy and group, scaled per group or shared', () => {
    const svg = barChartSvg({ title: 'T', series: ['a', 'b'], scale: 'group', groups: [{ label: 'g1', values: [1, 2], texts: ['1', '2'] }, { label: 'g2', values: [100, 50], texts: ['100', '50'] }] })
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"[^>]*><title>/g)].map(m => Number(m[1]))
    assert.deepEqual(widths, [210, 420, 420, 210])
  })

  it('prints micro-benchmark rates against the baseline with tinybench\'s spread and sample count', () => {
    const latency = { rme: 2.5, variance: 0.000004, samplesCount: 321 }
    const stats = [benchStats({ state: 'completed', throughput: { p50: 1000 }, latency }), benchStats({ state: 'completed', throughput: { p50: 500 }, latency }), benchStats({ state: 'errored' })]
    assert.deepEqual(stats[0], { runsPerSecond: 1000, rme: 2.5, varianceUs2: 4, samples: 321 })
    const noop = (): void => {}
    const table = benchTable([
      { role: 'R', op: 'x', strategy: 'base', isDefault: true, decisions: 10, run: noop },
      { role: 'R', op: 'x', strategy: 'mine', isDefault: false, decisions: 10, run: noop },
      { role: 'R', op: 'x', strategy: 'broken', isDefault: false, decisions: 10, run: noop }
    ], stats)
    const lines = table.split('\n')
    assert.match(lines[0], /vs baseline +rme +variance µs² +samples/)
    assert.match(lines[2], /base \(baseline\) +10,000 +1\.00x +±2\.5 % +4 +321/)
    assert.match(lines[3], /mine +5,000 +0\.50x/)
    assert.match(lines[4], /broken +error +- +- +- +0/)
  })
})
