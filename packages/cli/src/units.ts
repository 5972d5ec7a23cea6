/** Numbers as a person reads them: binary units (as `ls -h` and Kubo print them), one decimal. */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

/** `67108864` → `64.0 MiB`; below 1 KiB, whole bytes (`512 B`). */
export function humanBytes (bytes: number): string {
  let value = bytes
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`
}

/** Bytes over seconds, e.g. `53.3 MiB/s`; `-` when no time has passed. */
export function humanRate (bytes: number, seconds: number): string {
  return seconds > 0 ? `${humanBytes(bytes / seconds)}/s` : '-'
}

/** `1.2 s` under a minute, `3 min 04 s` under an hour, `2 h 05 min` beyond. */
export function humanDuration (seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-'
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const whole = Math.round(seconds)
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`
  return `${Math.floor(whole / 3600)} h ${String(Math.floor(whole / 60) % 60).padStart(2, '0')} min`
}
