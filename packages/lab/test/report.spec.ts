import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { goDefaults } from '@swapwright/strategies'
import { barChartSvg, htmlReport, median, runLab, selectScenarios, goScenarios, summaryTable } from '../src/index.js'

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
})
