/**
 * The lab's HTML report, opened in real headless Chromium (the system's; nothing downloads a browser): the
 * blocks-over-time lines, the interval dots and whiskers and the paired differences are drawn, with their numbers.
 * Without Chromium the test is skipped with a message, except under CI=true, where that is a failure.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { pathToFileURL } from 'node:url'
import { defineScenario, goScenarios, htmlReport, realWorldNetwork, runLab, selectScenarios } from '@swapwright/lab'
import { go2019, goDefaults } from '@swapwright/strategies'
import { chromium } from 'playwright-core'
import { chromiumFor } from './util/chromium.js'

/** What the page shows of one chart element, read in the browser after layout. */
interface Drawn {
  series: string
  group: string
  label: string
  points: number
  width: number
  height: number
  text: string
  mean: string
  low: string
  high: string
}

describe('lab report in a browser', { timeout: 180_000 }, () => {
  it('draws the blocks-over-time series, the intervals and the paired differences, with their numbers', async (t) => {
    const executablePath = chromiumFor(t)
    if (executablePath == null) return
    // a small real-world network, so the seeds draw different links and the intervals have width
    const varied = defineScenario({ name: 'Test/8Nodes-BigBatch-Average', nodes: 8, blocks: 20, blockSize: 8000, distribution: 'allToAll', fetch: 'batchFetchAll', network: realWorldNetwork('average') })
    const scenarios = [varied, ...selectScenarios(goScenarios(), ['FixedDelay/3Nodes-AllToAll-BigBatch'])]
    const report = await runLab({ scenarios, strategies: { goDefaults, go2019 }, seeds: [1, 2, 3] })
    const dir = await mkdtemp(join(tmpdir(), 'swapwright-lab-report-'))
    const file = join(dir, 'report.html')
    await writeFile(file, htmlReport(report))
    const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] })
    try {
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', err => { errors.push(err.message) })
      await page.goto(pathToFileURL(file).href)
      const drawn = async (selector: string): Promise<Drawn[]> => page.$$eval(selector, nodes => nodes.map(node => {
        const box = (node as SVGGraphicsElement).getBBox()
        const data = (name: string): string => node.getAttribute(`data-${name}`) ?? ''
        return {
          series: data('series'),
          group: data('group'),
          label: data('label'),
          points: (node as SVGPolylineElement).points?.numberOfItems ?? 0,
          width: box.width,
          height: box.height,
          text: node.querySelector('.interval-label')?.textContent ?? '',
          mean: data('mean'),
          low: data('low'),
          high: data('high')
        }
      }))

      // one blocks-over-time chart per scenario, one line per run, each rising from the origin to every block
      assert.equal(await page.locator('svg.series-chart').count(), scenarios.length)
      const lines = await drawn('svg.series-chart polyline.series')
      assert.equal(lines.length, report.runs.length)
      for (const line of lines) {
        assert.ok(['goDefaults', 'go2019'].includes(line.series), line.series)
        assert.match(line.label, /^seed [123]$/)
        assert.ok(line.points >= 3, `${line.series} ${line.label}: ${line.points} points`)
        assert.ok(line.width > 0 && line.height > 0, `drawn with a size: ${line.width}x${line.height}`)
      }

      // the interval chart: a dot per scenario and strategy, its label the mean and the bounds in seconds
      // (then the paired-difference chart, whose rows follow in document order)
      assert.equal(await page.locator('svg.interval-chart').count(), 2)
      const all = await drawn('svg.interval-chart g.interval')
      const times = all.slice(0, report.summaries.length)
      assert.equal(times.length, report.summaries.length)
      for (const row of times) {
        assert.match(row.text, /^\d+\.\d{3} s \[\d+\.\d{3} s, \d+\.\d{3} s\]$/, row.text)
        const [low, mean, high] = [row.low, row.mean, row.high].map(Number)
        assert.ok(low <= mean && mean <= high, row.text)
      }
      const wide = times.filter(row => Number(row.high) > Number(row.low))
      assert.ok(wide.length > 0, 'some interval has width on the varied network')
      assert.ok(await page.locator('svg.interval-chart line.whisker').count() >= wide.length)

      // the paired differences: go2019 minus goDefaults per scenario, signed, over the three seeds
      const paired = all.slice(report.summaries.length)
      assert.equal(paired.length, scenarios.length)
      for (const row of paired) {
        assert.equal(row.series, 'go2019')
        assert.match(row.text, /^[+-]?\d+\.\d{3} s \[[+-]?\d+\.\d{3} s, [+-]?\d+\.\d{3} s\]$/, row.text)
      }
      // and the table under the charts says the same in words
      assert.equal(await page.locator('th', { hasText: 'time vs goDefaults (paired)' }).count(), 1)
      assert.deepEqual(errors, [])
    } finally {
      await browser.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
