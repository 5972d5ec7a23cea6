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
