import { escapeXml } from './escape.js'
import { count, percent, seconds } from './format.js'
import { summaryGrid } from './summary-table.js'
import { barChartSvg } from './svg-chart.js'
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
  const runRows = report.runs.map(r => [
    r.scenario, r.strategy, String(r.seed), seconds(r.timeMs), `${r.duplicateBlocks}/${r.blocksReceived}`, String(r.messagesSent),
    String(r.messagesReceived), runChecks(r)
  ])
  const scenarioRows = report.scenarios.map(s => Object.values(s).map(String))
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<p>${report.scenarios.length} scenario(s), strategy sets ${escapeXml(report.strategies.join(', '))}, seeds ${escapeXml(report.seeds.join(', '))}. Times are virtual: the simulated network's clock, not the machine's. Every figure is the median over the seeds.</p>
<figure>${timeChart}<figcaption>Bars are scaled per scenario (times differ by orders of magnitude between scenarios); the numbers are absolute.</figcaption></figure>
<figure>${dupChart}<figcaption>Duplicates are blocks a fetcher's session received again after it already had them.</figcaption></figure>
<h2>Medians</h2>
${table(['scenario', 'strategy', 'time', 'dups/blocks', 'dup %', 'msgs sent', 'msgs recv', 'bytes recv', 'want-block', 'want-have', 'HAVE', 'DONT_HAVE', 'runs'], summaryRows, c => c > 1, r => report.summaries[r].failed > 0 || report.summaries[r].inconsistent > 0 || report.summaries[r].guarded > 0)}
<h2>Runs</h2>
${table(['scenario', 'strategy', 'seed', 'time', 'dups/blocks', 'msgs sent', 'msgs recv', 'checks'], runRows, c => c > 1 && c < 7, r => runChecks(report.runs[r]) !== 'ok')}
<h2>Scenarios</h2>
${table(Object.keys(report.scenarios[0] ?? {}), scenarioRows, () => false)}
</body>
</html>
`
}
