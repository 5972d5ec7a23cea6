import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { systemClock, type Clock, type Timer } from '@swapwright/core'

/** Ms without a connection opening or closing before `serve` may hand memory back. */
export const DEFAULT_TRIM_QUIET = 5000
/** Resident growth since the last trim (bytes) that makes a trim worth its pause (a few hundred ms at most). */
export const DEFAULT_TRIM_GROWTH = 16 * 1024 * 1024

/** What a trim needs to know of the node: when connections come and go. */
export interface ConnectionEvents {
  addEventListener(type: 'connection:open' | 'connection:close', listener: () => void): void
  removeEventListener(type: 'connection:open' | 'connection:close', listener: () => void): void
}

export interface MemoryTrimOptions {
  quiet?: number
  growth?: number
  /** Resident bytes now (default: the process's). */
  rss?: () => number
  /** Runs the collection that hands pooled heap pages back (default: V8's, see `lastResortCollector`). */
  collect?: () => void
  /** The clock the quiet spell is timed on (default: the system's). */
  clock?: Clock
}

/**
 * Hands memory back to the system once a crowd of peers has come and gone. V8 keeps the heap pages a burst of
 * peers needed in a pool for reuse, and only a memory-reducing collection gives them back; its own reducer did
 * not run within 30 s of 200 peers leaving (40–50 MiB stayed resident). So once no connection has opened or
 * closed for `quiet` ms, and the process has grown by `growth` since the last trim, one such collection runs.
 * Returns a function that stops watching; its caller calls it on every way out, so no pending trim outlives the node.
 */
export function watchMemoryTrim (events: ConnectionEvents, options: MemoryTrimOptions = {}): () => void {
  const quiet = options.quiet ?? DEFAULT_TRIM_QUIET
  const growth = options.growth ?? DEFAULT_TRIM_GROWTH
  const rss = options.rss ?? (() => process.memoryUsage.rss())
  const collect = options.collect ?? lastResortCollector()
  const clock = options.clock ?? systemClock()
  let baseline = rss()
  let timer: Timer | undefined
  const trim = (): void => {
    timer = undefined
    if (rss() - baseline < growth) return
    collect()
    baseline = rss()
  }
  const activity = (): void => {
    timer?.cancel()
    timer = clock.setTimeout(trim, quiet)
  }
  events.addEventListener('connection:open', activity)
  events.addEventListener('connection:close', activity)
  return () => {
    timer?.cancel()
    events.removeEventListener('connection:open', activity)
    events.removeEventListener('connection:close', activity)
  }
}

/**
 * V8's last-resort collection (the one that releases pooled pages), reached without starting Node with
 * --expose-gc: the flag is set only while a fresh context is made, so the node's own global gets no `gc`.
 */
export function lastResortCollector (): () => void {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as (options: { type: 'major', flavor: 'last-resort' }) => void
  setFlagsFromString('--no-expose-gc')
  return () => { gc({ type: 'major', flavor: 'last-resort' }) }
}
