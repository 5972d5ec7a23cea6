import { sleepOn } from './sleep.js'
import type { Clock, Timer } from '../interfaces/clock.js'
import type { AbortOptions } from '../types.js'

/** Wall-clock time through Node's timers; `now()` is monotonic (performance.now). */
export class SystemClock implements Clock {
  now (): number {
    return performance.now()
  }

  setTimeout (callback: () => void, ms: number): Timer {
    const handle = setTimeout(callback, ms)
    return { cancel: () => { clearTimeout(handle) } }
  }

  setInterval (callback: () => void, ms: number): Timer {
    const handle = setInterval(callback, ms)
    return { cancel: () => { clearInterval(handle) } }
  }

  sleep (ms: number, options?: AbortOptions): Promise<void> {
    return sleepOn(this, ms, options)
  }
}

export function systemClock (): SystemClock {
  return new SystemClock()
}
