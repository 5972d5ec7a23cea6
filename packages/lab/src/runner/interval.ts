/**
 * A 95 % confidence interval for the mean of a few values, by Student's t: the lab has one value per seed, often
 * three to five, where a bootstrap over so few values says more about the resampling than about the strategy.
 */
export interface Interval {
  /** Values the interval is over (runs, or pairs of runs on one seed). */
  n: number
  mean: number
  /** Lower bound; null for fewer than two values (one value shows no spread). */
  low: number | null
  /** Upper bound; null for fewer than two values. */
  high: number | null
}

/** Two-sided 95 % quantiles of Student's t (the 0.975 point) for 1 to 30 degrees of freedom. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
  2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
  2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042
]
/** Beyond the table: the usual points, interpolated in 1/df (exact to the third decimal); the normal's 1.960 at the end. */
const T_975_TAIL: Array<[df: number, t: number]> = [[30, 2.042], [40, 2.021], [60, 2.000], [120, 1.980], [Infinity, 1.960]]

/** The 0.975 quantile of Student's t with `df` degrees of freedom (df >= 1). */
export function tQuantile975 (df: number): number {
  if (!(df >= 1)) throw new RangeError(`Degrees of freedom must be >= 1, got ${df}`)
  if (df <= 30 && Number.isInteger(df)) return T_975[df - 1]
  for (let i = 1; i < T_975_TAIL.length; i++) {
    const [hiDf, hiT] = T_975_TAIL[i]
    if (df > hiDf) continue
    const [loDf, loT] = T_975_TAIL[i - 1]
    const at = (1 / loDf - 1 / df) / (1 / loDf - 1 / hiDf)
    return loT + (hiT - loT) * at
  }
  return 1.960
}

/** Rounds away floating-point noise, so reports stay stable and readable. */
const tidy = (x: number): number => Math.round(x * 1e6) / 1e6

/** The mean of `values` with its 95 % t interval; the bounds are null for fewer than two values, NaN mean for none. */
export function ci95 (values: readonly number[]): Interval {
  const n = values.length
  if (n === 0) return { n, mean: Number.NaN, low: null, high: null }
  const mean = values.reduce((a, b) => a + b, 0) / n
  if (n < 2) return { n, mean: tidy(mean), low: null, high: null }
  const variance = values.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)
  const half = tQuantile975(n - 1) * Math.sqrt(variance / n)
  return { n, mean: tidy(mean), low: tidy(mean - half), high: tidy(mean + half) }
}

/**
 * The paired difference `a - b` over the keys both have (the lab pairs runs by seed, so two strategy sets meet
 * the same network draws and the seed-to-seed luck cancels), with its 95 % t interval.
 */
export function pairedDifference<K> (a: ReadonlyMap<K, number>, b: ReadonlyMap<K, number>): Interval {
  const diffs: number[] = []
  for (const [key, x] of a) {
    const y = b.get(key)
    if (y != null) diffs.push(x - y)
  }
  return ci95(diffs)
}

/** True when the interval lies wholly on one side of zero: a difference the seeds agree on. */
export function excludesZero (interval: Interval): boolean {
  return interval.low != null && interval.high != null && (interval.low > 0 || interval.high < 0)
}

/** The interval with its bounds held within [min, max]: a t interval over a few spread values can reach past what the quantity can be (a negative time). */
export function clampInterval (interval: Interval, min: number, max: number): Interval {
  const clamp = (x: number | null): number | null => x == null ? null : Math.min(max, Math.max(min, x))
  return { ...interval, low: clamp(interval.low), high: clamp(interval.high) }
}
