import { systemClock, type Clock, type Timer } from '@swapwright/core'

/** The longest delay Node's timers take (2^31 - 1 ms, about 24.8 days). */
const LONGEST_TIMER = 2 ** 31 - 1

/**
 * Aborts `signal` once `ms` pass without a `touch`. A fetch touches it for every block, thousands a second, so a
 * touch only notes the time: the one timer, when it fires early, sleeps again for what is left of the spell.
 */
export class IdleWatch {
  private readonly controller = new AbortController()
  private readonly clock: Clock
  private readonly ms: number
  private last: number
  private timer: Timer | undefined

  constructor (ms: number, clock: Clock = systemClock()) {
    this.ms = ms
    this.clock = clock
    this.last = clock.now()
    this.arm(ms)
  }

  get signal (): AbortSignal {
    return this.controller.signal
  }

  touch (): void {
    this.last = this.clock.now()
  }

  stop (): void {
    this.timer?.cancel()
    this.timer = undefined
  }

  private arm (ms: number): void {
    // Node fires a timer longer than its limit at once; a longer spell is slept in pieces
    this.timer = this.clock.setTimeout(() => {
      const left = this.last + this.ms - this.clock.now()
      if (left > 0) this.arm(left)
      else this.controller.abort()
    }, Math.min(ms, LONGEST_TIMER))
  }
}
