import type { Interval } from '../runner/interval.js'

/** Virtual ms as seconds with three decimals, as the Go suite prints them. */
export function seconds (ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(3)} s` : '-'
}

/** A median count: whole numbers as they are, halves (even seed counts) with one decimal. */
export function count (value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1)
}

export function percent (ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`
}

/** A mean with its 95 % interval, `1.234 [1.100, 1.368]`; without bounds (one run) the mean and `(n=1)`; `-` for none. */
export function withInterval (interval: Interval, show: (value: number) => string): string {
  if (!Number.isFinite(interval.mean)) return '-'
  if (interval.low == null || interval.high == null) return `${show(interval.mean)} (n=${interval.n})`
  return `${show(interval.mean)} [${show(interval.low)}, ${show(interval.high)}]`
}

/** A difference with its sign: `+0.120`, `-3`. */
export function signed (show: (value: number) => string): (value: number) => string {
  return value => value > 0 ? `+${show(value)}` : show(value)
}

/** Plain number with up to `digits` decimals (trailing zeros dropped). */
export function decimals (digits: number): (value: number) => string {
  return value => String(Number(value.toFixed(digits)))
}
