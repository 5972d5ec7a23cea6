import { escapeXml } from './escape.js'
import { count, percent, seconds, signed, withInterval } from './format.js'
import { intervalColumns, summaryGrid } from './summary-table.js'
import { barChartSvg, intervalChartSvg, seriesChartSvg, type IntervalGroup } from './svg-chart.js'
import type { Interval } from '../runner/interval.js'
import type { Summary } from '../runner/summary.js'
import type { RunResult } from '../run/metrics.js'
import type { LabReport } from '../runner/run-lab.js'

const STYLE = `
body { font-family: sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; margin: 12px 0 28px; font-size: 12px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f3f3f3; }
tr.bad td { background: #fde8e8; }
figure { margin: 16px 0 32px; }
figcaption { font-size: 12px; color: #555; }
`

/** The checks column of one run: ok, or what went wrong. */
function runChecks (r: RunResult): string {
  const notes = [...(r.ok ? [] : [`failed: ${r.error ?? ''}`]), ...r.inconsistencies]
  if (r.clockGuardTrips > 0) notes.push(`clock guard stepped in ${r.clockGuardTrips}x (a node re-armed 0 ms timers without end)`)
  return notes.length === 0 ? 'ok' : notes.join('; ')
}

function table (headers: string[], rows: string[][], numeric: (c: number) => boolean, bad: (r: number) => boolean = () => false): string {
  const head = `<tr>${headers.map(h => `<th>${escapeXml(h)}</th>`).join('')}</tr>`
  const body = rows.map((row, r) => `<tr${bad(r) ? ' class="bad"' : ''}>${row.map((cell, c) => `<td${numeric(c) ? ' class="n"' : ''}>${escapeXml(cell)}</td>`).join('')}</tr>`)
  return `<table>\n${head}\n${body.join('\n')}\n</table>`
}

const secondsOf = (ms: number): string => `${(ms / 1000).toFixed(3)} s`

/** One interval row per summary of a scenario that has the interval. */
function intervalGroups (report: LabReport, pick: (s: Summary) => Interval | undefined, show: (value: number) => string): IntervalGroup[] {
  const groups: IntervalGroup[] = []
  for (const [scenario, row] of summaryGrid(report)) {
    const rows = []
    for (const [i, name] of report.strategies.entries()) {
      const summary = row.get(name)
      const interval = summary == null ? undefined : pick(summary)
      if (interval == null) continue
      const ms = (v: number | null): number | null => v == null ? null : v / 1000
      rows.push({ series: i, mean: interval.mean / 1000, low: ms(interval.low), high: ms(interval.high), text: withInterval(interval, show) })
    }
    if (rows.length > 0) groups.push({ label: scenario, rows })
  }
  return groups
}

/** Per scenario, blocks the fetchers had over virtual time: one line per run, coloured by strategy set. */
function blocksOverTime (report: LabReport): string {
  const charts: string[] = []
  for (const scenario of report.scenarios.map(s => String(s.name))) {
    const lines = report.runs
      .filter(r => r.scenario === scenario)
      .map(r => ({ series: report.strategies.indexOf(r.strategy), label: `seed ${r.seed}`, points: r.blocksOverTime.map(([ms, blocks]) => [ms / 1000, blocks] as const) }))
    charts.push(`<figure>${seriesChartSvg({ title: `${scenario}: blocks received over time`, series: report.strategies, xLabel: 'virtual seconds since the start of the fetch', yLabel: 'blocks', lines })}</figure>`)
  }
  return charts.join('\n')
}

/**
 * The report as one HTML file that opens anywhere offline: inline CSS and inline SVG charts, no scripts, no
 * fonts, no links to anything outside the file.
 */
export function htmlReport (report: LabReport, title = 'Swapwright strategy lab'): string {
  const grid = summaryGrid(report)
  const scenarios = [...grid.keys()]
  const timeChart = barChartSvg({
    title: 'Time to fetch (median, virtual seconds)',
    series: report.strategies,
    scale: 'group',
    groups: scenarios.map(name => {
      const row = grid.get(name)
      const values = report.strategies.map(s => (row?.get(s)?.timeMs ?? Number.NaN) / 1000)
      return { label: name, values, texts: values.map(v => Number.isFinite(v) ? `${v.toFixed(3)} s` : '-') }
    })
  })
  const dupChart = barChartSvg({
    title: 'Duplicate blocks (median share of blocks received)',
    series: report.strategies,
    scale: 'shared',
    groups: scenarios.map(name => {
      const row = grid.get(name)
      const values = report.strategies.map(s => row?.get(s)?.duplicateRatio ?? Number.NaN)
      const texts = report.strategies.map(s => {
        const summary = row?.get(s)
        return summary == null ? '-' : `${percent(summary.duplicateRatio)} (${count(summary.duplicateBlocks)}/${count(summary.blocksReceived)})`
      })
      return { label: name, values, texts }
    })
  })
  const summaryRows = report.summaries.map(s => [
    s.scenario, s.strategy, seconds(s.timeMs), `${count(s.duplicateBlocks)}/${count(s.blocksReceived)}`, percent(s.duplicateRatio),
    count(s.messagesSent), count(s.messagesReceived), count(s.bytesReceived), count(s.traffic.wantBlocks), count(s.traffic.wantHaves),
    count(s.traffic.haves), count(s.traffic.dontHaves), `${s.runs}${s.failed > 0 ? ` (+${s.failed} failed)` : ''}`
  ])
  const timeIntervals = intervalChartSvg({
    title: 'Time to fetch: mean and 95 % interval over the seeds (virtual seconds)',
    series: report.strategies,
    groups: intervalGroups(report, s => s.ci95.timeMs, secondsOf)
  })
  const pairedChart = intervalChartSvg({
    title: `Time to fetch minus the time of ${report.baseline}, paired by seed: mean and 95 % interval (virtual seconds)`,
    series: report.strategies,
    zero: true,
    groups: intervalGroups(report, s => s.vsBaseline?.diff.timeMs, signed(secondsOf))
  })
  const columns = intervalColumns(report)
  const intervalRows = report.summaries.map(s => columns.map(c => c[1](s)))
  const runRows = report.runs.map(r => [
    r.scenario, r.strategy, String(r.seed), seconds(r.timeMs), r.timeToFirstBlockMs == null ? '-' : seconds(r.timeToFirstBlockMs),
    `${r.duplicateBlocks}/${r.blocksReceived}`, percent(r.success), String(r.messagesSent), String(r.messagesReceived),
    String(r.traffic.broadcastWantHaves), runChecks(r)
  ])
  // Swarm and MainnetLike scenarios have different facts: one column per fact any of them has, blank where one lacks it.
  const scenarioColumns = [...new Set(report.scenarios.flatMap(s => Object.keys(s)))]
  const scenarioRows = report.scenarios.map(s => scenarioColumns.map(key => s[key] === undefined ? '' : String(s[key])))
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<p>${report.scenarios.length} scenario(s), strategy sets ${escapeXml(report.strategies.join(', '))}, seeds ${escapeXml(report.seeds.join(', '))}, baseline ${escapeXml(report.baseline)}. Times are virtual: the simulated network's clock, not the machine's. The bar charts and the medians table show medians over the seeds; the intervals section, means with their 95 % intervals.</p>
<figure>${timeChart}<figcaption>Bars are scaled per scenario (times differ by orders of magnitude between scenarios); the numbers are absolute.</figcaption></figure>
<figure>${dupChart}<figcaption>Duplicates are blocks a fetcher's session received again after it already had them.</figcaption></figure>
<h2>Intervals over the seeds</h2>
<p>Means over the seeds with Student's t 95 % intervals; the paired difference takes each strategy set minus ${escapeXml(report.baseline)} run by run on the same seed (the same network draws), so an interval wholly on one side of zero is a difference the seeds agree on.</p>
<figure>${timeIntervals}</figure>
<figure>${pairedChart}<figcaption>The dashed line is zero: no difference from ${escapeXml(report.baseline)}.</figcaption></figure>
${table(columns.map(c => c[0]), intervalRows, c => c > 1)}
<h2>Blocks over time</h2>
${blocksOverTime(report)}
<h2>Medians</h2>
${table(['scenario', 'strategy', 'time', 'dups/blocks', 'dup %', 'msgs sent', 'msgs recv', 'bytes recv', 'want-block', 'want-have', 'HAVE', 'DONT_HAVE', 'runs'], summaryRows, c => c > 1, r => report.summaries[r].failed > 0 || report.summaries[r].inconsistent > 0 || report.summaries[r].guarded > 0)}
<h2>Runs</h2>
${table(['scenario', 'strategy', 'seed', 'time', 'first block', 'dups/blocks', 'success', 'msgs sent', 'msgs recv', 'broadcast want-haves', 'checks'], runRows, c => c > 1 && c < 10, r => runChecks(report.runs[r]) !== 'ok')}
<h2>Scenarios</h2>
${table(scenarioColumns, scenarioRows, () => false)}
</body>
</html>
`
}
