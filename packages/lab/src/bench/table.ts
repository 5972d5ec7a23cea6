import { renderTable } from '../report/text-table.js'

/** One micro-benchmark: `run` makes `decisions` decisions of `op` with `strategy`. */
export interface BenchCase {
  role: string
  op: string
  strategy: string
  /** The Go default of its role: the baseline of the ratio column. */
  isDefault: boolean
  decisions: number
  run: () => void
}

/** Decisions per second and the ratio to the Go default of the same role and operation. */
export function benchTable (cases: readonly BenchCase[], runsPerSecond: readonly number[]): string {
  const rate = cases.map((c, i) => runsPerSecond[i] * c.decisions)
  const baseline = new Map<string, number>()
  cases.forEach((c, i) => { if (c.isDefault) baseline.set(`${c.role}/${c.op}`, rate[i]) })
  // rows grouped by role and operation, in the order the groups first appear, Go default first
  const group = new Map<string, number>()
  for (const c of cases) if (!group.has(`${c.role}/${c.op}`)) group.set(`${c.role}/${c.op}`, group.size)
  const order = cases.map((_, i) => i).sort((a, b) =>
    (group.get(`${cases[a].role}/${cases[a].op}`) ?? 0) - (group.get(`${cases[b].role}/${cases[b].op}`) ?? 0) ||
    Number(cases[b].isDefault) - Number(cases[a].isDefault) || a - b)
  const rows = order.map(i => {
    const c = cases[i]
    const base = baseline.get(`${c.role}/${c.op}`)
    const ratio = base == null || !Number.isFinite(rate[i]) ? '-' : `${(rate[i] / base).toFixed(2)}x`
    return [c.role, c.op, c.strategy + (c.isDefault ? ' (Go default)' : ''), Number.isFinite(rate[i]) ? Math.round(rate[i]).toLocaleString('en-US') : 'error', ratio]
  })
  return renderTable(['role', 'operation', 'strategy', 'decisions/s (median)', 'vs Go default'], rows, c => c > 2)
}
