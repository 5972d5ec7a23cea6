import { AbortError, type AbortOptions, type Clock, type Timer, type VirtualClock } from '@swapwright/core'

/** Zero-delay timers set at one virtual instant before the guard steps in; far above any legitimate burst. */
export const SAME_INSTANT_LIMIT = 50_000

/**
 * The nodes' view of the simulation clock, with one safeguard. A component that keeps re-arming a 0 ms timer
 * at the same instant (a floating-point deadline that never quite passes, say) would spin the virtual clock
 * forever without time moving, so no `maxTime` could end the run. After `limit` such timers in one instant,
 * further 0 ms timers are pushed 1 ms ahead, which lets time move, and the event is counted so the run's
 * result shows it. A correct component never trips it.
 */
export class GuardedClock implements Clock {
  private readonly inner: VirtualClock
  private readonly limit: number
  private instant = Number.NaN
  private zeroDelays = 0
  /** Instants at which the guard had to step in. */
  trips = 0

  constructor (inner: VirtualClock, limit = SAME_INSTANT_LIMIT) {
    this.inner = inner
    this.limit = limit
  }

  now (): number {
    return this.inner.now()
  }

  setTimeout (callback: () => void, ms: number): Timer {
    return this.inner.setTimeout(callback, this.guard(ms))
  }

  setInterval (callback: () => void, ms: number): Timer {
    return this.inner.setInterval(callback, ms)
  }

  sleep (ms: number, options: AbortOptions = {}): Promise<void> {
    const { signal } = options
    if (signal?.aborted === true) return Promise.reject(new AbortError(undefined, { cause: signal.reason }))
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        timer.cancel()
        reject(new AbortError(undefined, { cause: signal?.reason }))
      }
      const timer = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  private guard (ms: number): number {
    if (Number.isFinite(ms) && ms > 0) return ms
    const now = this.inner.now()
    if (now !== this.instant) {
      this.instant = now
      this.zeroDelays = 0
    }
    this.zeroDelays++
    if (this.zeroDelays < this.limit) return ms
    if (this.zeroDelays === this.limit) this.trips++
    return 1
  }
}
