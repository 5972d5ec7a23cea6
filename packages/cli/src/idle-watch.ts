import { systemClock, type Clock, type Timer } from '@swapwright/core'

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
    this.timer = this.clock.setTimeout(() => {
      const left = this.last + this.ms - this.clock.now()
      if (left > 0) this.arm(left)
      else this.controller.abort()
    }, ms)
  }
}
