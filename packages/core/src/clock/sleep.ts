import { AbortError } from '../errors.js'
import type { Clock } from '../interfaces/clock.js'
import type { AbortOptions } from '../types.js'

/** `Clock.sleep` for any clock: one timer, removed again when the signal aborts. */
export function sleepOn (clock: Pick<Clock, 'setTimeout'>, ms: number, options: AbortOptions = {}): Promise<void> {
  const { signal } = options
  if (signal?.aborted === true) {
    return Promise.reject(new AbortError(undefined, { cause: signal.reason }))
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      timer.cancel()
      reject(new AbortError(undefined, { cause: signal?.reason }))
    }
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
