import { logger } from '@libp2p/logger'
import { sleepOn } from './sleep.js'
import type { Clock, Timer } from '../interfaces/clock.js'
import type { AbortOptions } from '../types.js'

const log = logger('swapwright:core:clock')

/**
 * A throw inside a timer callback would be an uncaught exception and end the host process; a node is a library
 * inside someone's application, so it is logged instead. (Policies are already guarded; this is the last net.)
 */
function contained (callback: () => void): () => void {
  return () => {
    try {
      callback()
    } catch (err) {
      log.error('a timer callback threw: %s', err instanceof Error ? (err.stack ?? err.message) : String(err))
    }
  }
}

/** Wall-clock time through Node's timers; `now()` is monotonic (performance.now). */
export class SystemClock implements Clock {
  now (): number {
    return performance.now()
  }

  setTimeout (callback: () => void, ms: number): Timer {
    const handle = setTimeout(contained(callback), ms)
    return { cancel: () => { clearTimeout(handle) } }
  }

  setInterval (callback: () => void, ms: number): Timer {
    const handle = setInterval(contained(callback), ms)
    return { cancel: () => { clearInterval(handle) } }
  }

  sleep (ms: number, options?: AbortOptions): Promise<void> {
    return sleepOn(this, ms, options)
  }
}

export function systemClock (): SystemClock {
  return new SystemClock()
}
