import type { AbortOptions } from '../types.js'

/** A scheduled callback; cancelling twice, or after it ran, is harmless. */
export interface Timer {
  cancel(): void
}

/**
 * Time as core sees it. Every timer in core goes through the injected clock, which is what lets the simulator
 * run a whole network in virtual time, deterministically, without waiting.
 */
export interface Clock {
  /** Milliseconds since an arbitrary origin; never goes backwards. */
  now(): number
  setTimeout(callback: () => void, ms: number): Timer
  setInterval(callback: () => void, ms: number): Timer
  /** Resolves after `ms`, or rejects with an AbortError when the signal aborts first. */
  sleep(ms: number, options?: AbortOptions): Promise<void>
}
