import { count, percent, seconds } from './format.js'
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
