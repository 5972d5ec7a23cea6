import { count, decimals, percent, seconds, signed, withInterval } from './format.js'
import { renderTable } from './text-table.js'
import type { LabReport } from '../runner/run-lab.js'
import type { Summary } from '../runner/summary.js'

/** Index of summaries by scenario, then strategy. */
export function summaryGrid (report: LabReport): Map<string, Map<string, Summary>> {
  const grid = new Map<string, Map<string, Summary>>()
  for (const s of report.summaries) {
    let row = grid.get(s.scenario)
    if (row == null) {
      row = new Map()
      grid.set(s.scenario, row)
    }
    row.set(s.strategy, s)
  }
  return grid
}

/**
 * The medians as the Go suite prints them, side by side per strategy set: time, duplicates / blocks received,
 * messages sent / received by the fetcher(s). A failed or inconsistent run is flagged after the numbers.
 */
export function summaryTable (report: LabReport): string {
  const headers = ['scenario']
  for (const name of report.strategies) headers.push(`${name} time`, 'dups/blocks', 'dup %', 'msgs sent/recv')
  const rows: string[][] = []
  for (const [scenario, row] of summaryGrid(report)) {
    const cells = [scenario]
    for (const name of report.strategies) {
      const s = row.get(name)
      if (s == null) {
        cells.push('-', '-', '-', '-')
        continue
      }
      const flags = (s.failed > 0 ? ` !${s.failed} failed` : '') + (s.inconsistent > 0 ? ` !${s.inconsistent} inconsistent` : '') +
        (s.guarded > 0 ? ` !${s.guarded} clock-guarded` : '')
      cells.push(seconds(s.timeMs), `${count(s.duplicateBlocks)}/${count(s.blocksReceived)}`, percent(s.duplicateRatio), `${count(s.messagesSent)}/${count(s.messagesReceived)}${flags}`)
    }
    rows.push(cells)
  }
  return renderTable(headers, rows)
}

/** What the network carried, per scenario and strategy: wants, presences, blocks (medians). */
export function trafficTable (report: LabReport): string {
  const headers = ['scenario', 'strategy', 'want-block', 'want-have', 'cancel', 'HAVE', 'DONT_HAVE', 'blocks', 'messages', 'MB']
  const rows = report.summaries.map(s => [
    s.scenario, s.strategy, count(s.traffic.wantBlocks), count(s.traffic.wantHaves), count(s.traffic.cancels),
    count(s.traffic.haves), count(s.traffic.dontHaves), count(s.traffic.blocks), count(s.traffic.messages),
    (s.traffic.bytes / 1e6).toFixed(2)
  ])
  return renderTable(headers, rows, c => c > 1)
}

/** Virtual ms shown as seconds (three decimals), without the unit: for interval cells. */
const secs = (ms: number): string => (ms / 1000).toFixed(3)
const pct = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`

/** The columns of the interval table: header, then the cell of a summary. */
export function intervalColumns (report: LabReport): Array<[string, (s: Summary) => string]> {
  const diff = (metric: keyof NonNullable<Summary['vsBaseline']>['diff'], show: (value: number) => string) => (s: Summary): string =>
    s.vsBaseline == null ? '(baseline)' : withInterval(s.vsBaseline.diff[metric], signed(show))
  return [
    ['scenario', s => s.scenario],
    ['strategy', s => s.strategy],
    ['time s, mean [95% CI]', s => withInterval(s.ci95.timeMs, secs)],
    [`time vs ${report.baseline} (paired)`, diff('timeMs', secs)],
    ['first block s', s => withInterval(s.ci95.timeToFirstBlockMs, secs)],
    ['success', s => withInterval(s.ci95.success, pct)],
    ['msgs/root', s => withInterval(s.ci95.messagesPerRoot, decimals(1))],
    ['broadcast want-haves', s => withInterval(s.ci95.broadcastWantHaves, decimals(1))],
    [`dups vs ${report.baseline} (paired)`, diff('duplicateBlocks', decimals(1))]
  ]
}

/**
 * Means over the seeds with 95 % intervals, and each set's paired difference from the baseline (run by run on
 * the same seed): a difference whose interval excludes zero is one the seeds agree on.
 */
export function intervalTable (report: LabReport): string {
  const columns = intervalColumns(report)
  return renderTable(columns.map(c => c[0]), report.summaries.map(s => columns.map(c => c[1](s))), c => c > 1)
}
