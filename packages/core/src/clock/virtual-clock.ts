import { StalledError } from '../errors.js'
import { sleepOn } from './sleep.js'
import { Heap } from '../util/heap.js'
import type { Clock, Timer } from '../interfaces/clock.js'
import type { AbortOptions } from '../types.js'

/** A scheduled callback; `seq` keeps timers due at the same time in the order they were set. */
interface HeapEntry {
  due: number
  seq: number
  run: () => void
  cancelled: boolean
}

const dueFirst = (a: HeapEntry, b: HeapEntry): boolean => a.due < b.due || (a.due === b.due && a.seq < b.seq)

export interface VirtualClockInit {
  /** The time `now()` starts at, in ms (default 0). */
  start?: number
}

export interface VirtualRunOptions {
  /** Give up with a StalledError once virtual time has moved this far (default: no limit). */
  maxTime?: number
}

/**
 * Time that moves only when told to. Timers fire in (due, set-order) order and the promise jobs they start are
 * settled before the next timer fires, so a run is deterministic and takes no real waiting.
 */
export class VirtualClock implements Clock {
  private current: number
  private seq = 0
  private readonly heap = new Heap<HeapEntry>(dueFirst)
  private live = 0

  constructor (init: VirtualClockInit = {}) {
    this.current = init.start ?? 0
  }

  now (): number {
    return this.current
  }

  /** Timers scheduled and not cancelled. */
  get pending (): number {
    return this.live
  }

  setTimeout (callback: () => void, ms: number): Timer {
    const entry = this.schedule(callback, ms)
    return { cancel: () => { this.cancel(entry) } }
  }

  setInterval (callback: () => void, ms: number): Timer {
    const period = Math.max(1, ms)
    let entry: HeapEntry
    const tick = (): void => {
      entry = this.schedule(tick, period)
      callback()
    }
    entry = this.schedule(tick, period)
    return { cancel: () => { this.cancel(entry) } }
  }

  sleep (ms: number, options?: AbortOptions): Promise<void> {
    return sleepOn(this, ms, options)
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  async advance (ms: number): Promise<void> {
    const target = this.current + Math.max(0, ms)
    await settle()
    for (let next = this.nextLive(); next != null && next.due <= target; next = this.nextLive()) {
      await this.fire(next)
    }
    this.current = target
  }

  /**
   * Drives virtual time until `work` settles and returns its result. Throws a StalledError when the work is
   * still pending but no timer is left to fire (a hang in real time), or when `maxTime` passes.
   */
  async run<T> (work: Promise<T> | (() => Promise<T>), options: VirtualRunOptions = {}): Promise<T> {
    const promise = typeof work === 'function' ? work() : work
    let outcome: { ok: true, value: T } | { ok: false, error: unknown } | undefined
    promise.then(value => { outcome = { ok: true, value } }, error => { outcome = { ok: false, error } })
    const deadline = this.current + (options.maxTime ?? Infinity)
    await settle()
    while (outcome == null) {
      const next = this.nextLive()
      if (next == null) {
        throw new StalledError(`Nothing left to run at t=${this.current} ms and the awaited work has not settled`)
      }
      if (next.due > deadline) {
        throw new StalledError(`The awaited work did not settle within ${options.maxTime} ms of virtual time`)
      }
      await this.fire(next)
    }
    if (outcome.ok) return outcome.value
    throw outcome.error
  }

  /** Fires timers until none is left (intervals keep it busy, so `maxTime` bounds the run). */
  async runUntilIdle (options: VirtualRunOptions = {}): Promise<void> {
    const deadline = this.current + (options.maxTime ?? Infinity)
    await settle()
    for (let next = this.nextLive(); next != null && next.due <= deadline; next = this.nextLive()) {
      await this.fire(next)
    }
  }

  private schedule (run: () => void, ms: number): HeapEntry {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0
    const entry: HeapEntry = { due: this.current + delay, seq: this.seq++, run, cancelled: false }
    this.heap.push(entry)
    this.live++
    return entry
  }

  private cancel (entry: HeapEntry): void {
    if (!entry.cancelled) {
      entry.cancelled = true
      this.live--
    }
  }

  private nextLive (): HeapEntry | undefined {
    let top = this.heap.peek()
    while (top?.cancelled === true) {
      this.heap.pop()
      top = this.heap.peek()
    }
    return top
  }

  private async fire (entry: HeapEntry): Promise<void> {
    this.heap.pop()
    entry.cancelled = true
    this.live--
    this.current = Math.max(this.current, entry.due)
    entry.run()
    await settle()
  }
}

/** Lets every promise job started so far run (and the jobs they start) before time moves on. */
async function settle (): Promise<void> {
  await new Promise<void>(nextMacrotask)
}

/**
 * Runs `callback` in the next macrotask, after every pending promise job: Node's `setImmediate` where there is one
 * (a global: no import), else a MessageChannel message (browsers), which unlike `setTimeout(0)` is not clamped.
 */
const nextMacrotask: (callback: () => void) => void = typeof globalThis.setImmediate === 'function'
  ? callback => { globalThis.setImmediate(callback) }
  : messageChannelTask()

function messageChannelTask (): (callback: () => void) => void {
  // One channel per clock module and a queue of callbacks: posting is cheap, and the order of posts is kept.
  const waiting: Array<() => void> = []
  const channel = new MessageChannel()
  channel.port1.onmessage = () => { waiting.shift()?.() }
  return callback => {
    waiting.push(callback)
    channel.port2.postMessage(null)
  }
}

export function virtualClock (init?: VirtualClockInit): VirtualClock {
  return new VirtualClock(init)
}
