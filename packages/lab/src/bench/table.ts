import { renderTable } from '../report/text-table.js'

/** One micro-benchmark: `run` makes `decisions` decisions of `op` with `strategy`. */
export interface BenchCase {
  role: string
  op: string
  strategy: string
  /** The baseline of its role (the Go default, or the first strategy set asked for): the ratio column's 1.00x. */
  isDefault: boolean
  decisions: number
  run: () => void
}

/** What the table shows of one tinybench task: runs per second and the spread of the run times. */
export interface BenchStats {
  /** Median runs per second. */
  runsPerSecond: number
  /** Relative margin of error of the mean run time, in percent (95 %). */
  rme: number
  /** Sample variance of the run time, µs². */
  varianceUs2: number
  /** Runs sampled. */
  samples: number
}

const NO_STATS: BenchStats = { runsPerSecond: Number.NaN, rme: Number.NaN, varianceUs2: Number.NaN, samples: 0 }

/** The figures of a tinybench task result; NaN (shown as "error") for a task that did not complete. */
export function benchStats (result: { state: string, throughput?: { p50: number }, latency?: { rme: number, variance: number, samplesCount: number } }): BenchStats {
  if (result.state !== 'completed' || result.throughput == null || result.latency == null) return NO_STATS
  // tinybench's latency is in ms: variance in ms², ×1e6 for µs²
  return { runsPerSecond: result.throughput.p50, rme: result.latency.rme, varianceUs2: result.latency.variance * 1e6, samples: result.latency.samplesCount }
}

/** A figure with at most three significant decimals, thousands separated. */
const figure = (value: number): string => Number.isFinite(value) ? Number(value.toPrecision(3)).toLocaleString('en-US') : '-'

/** Decisions per second, the ratio to the baseline of the same role and operation, and the spread of the samples. */
export function benchTable (cases: readonly BenchCase[], stats: readonly BenchStats[]): string {
  const rate = cases.map((c, i) => stats[i].runsPerSecond * c.decisions)
  const baseline = new Map<string, number>()
  cases.forEach((c, i) => { if (c.isDefault) baseline.set(`${c.role}/${c.op}`, rate[i]) })
  // rows grouped by role and operation, in the order the groups first appear, baseline first
  const group = new Map<string, number>()
  for (const c of cases) if (!group.has(`${c.role}/${c.op}`)) group.set(`${c.role}/${c.op}`, group.size)
  const order = cases.map((_, i) => i).sort((a, b) =>
    (group.get(`${cases[a].role}/${cases[a].op}`) ?? 0) - (group.get(`${cases[b].role}/${cases[b].op}`) ?? 0) ||
    Number(cases[b].isDefault) - Number(cases[a].isDefault) || a - b)
  const rows = order.map(i => {
    const c = cases[i]
    const s = stats[i]
    const base = baseline.get(`${c.role}/${c.op}`)
    const ratio = base == null || !Number.isFinite(rate[i]) ? '-' : `${(rate[i] / base).toFixed(2)}x`
    return [
      c.role, c.op, c.strategy + (c.isDefault ? ' (baseline)' : ''), Number.isFinite(rate[i]) ? Math.round(rate[i]).toLocaleString('en-US') : 'error', ratio,
      Number.isFinite(s.rme) ? `±${s.rme.toFixed(1)} %` : '-', figure(s.varianceUs2), String(s.samples)
    ]
  })
  return renderTable(['role', 'operation', 'strategy', 'decisions/s (median)', 'vs baseline', 'rme', 'variance µs²', 'samples'], rows, c => c > 2)
}
