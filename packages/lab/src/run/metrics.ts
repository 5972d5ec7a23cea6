import type { TrafficCounts } from './message-counter.js'

/** One scenario, fetched once under one strategy set and one seed. */
export interface RunResult {
  scenario: string
  strategy: string
  seed: number
  /** False when the fetch failed or stalled; `error` says why and the counters are what was seen until then. */
  ok: boolean
  error?: string
  /** Virtual ms from the start of the fetch until every fetcher had every block. */
  timeMs: number
  /** Blocks the fetchers asked for (blocks × fetchers). */
  blocksRequested: number
  /** Every block the fetchers' sessions took in: unique + duplicates. */
  blocksReceived: number
  uniqueBlocks: number
  /** Blocks a session already had when they came again, counted by the session. */
  duplicateBlocks: number
  /** The fetchers' traffic, from the simulated network's link counters. */
  messagesSent: number
  messagesReceived: number
  bytesSent: number
  bytesReceived: number
  /** Everything the network delivered during the run, by entry kind, counted from the messages themselves. */
  traffic: TrafficCounts
  /** Consistency checks that failed (empty when every count agrees). */
  inconsistencies: string[]
  /**
   * Instants at which a node re-armed zero-delay timers without end and the lab's clock guard had to move time
   * on (see GuardedClock). Non-zero means a bug in the node, not in the strategy; the run is still reported.
   */
  clockGuardTrips: number
}

export interface Tallies {
  blocksRequested: number
  uniqueBlocks: number
  duplicateBlocks: number
  /** Blocks the network carried to the fetchers, counted by the delivery observer. */
  blocksDelivered: number
  /** Blocks each fetcher's client took in, by its own counters (wanted, duplicate, unwanted, invalid). */
  clientBlocks: number
  /** Duplicates by the fetchers' clients (the sessions' counts must agree). */
  clientDuplicates: number
}

/** The bookkeeping identities of a completed run; each broken one is reported in words. */
export function checkConsistency (t: Tallies, ok: boolean): string[] {
  const problems: string[] = []
  const received = t.uniqueBlocks + t.duplicateBlocks
  if (ok && t.uniqueBlocks !== t.blocksRequested) {
    problems.push(`unique blocks ${t.uniqueBlocks} != blocks requested ${t.blocksRequested}`)
  }
  if (received !== t.blocksDelivered) {
    problems.push(`blocks received ${received} (unique ${t.uniqueBlocks} + duplicates ${t.duplicateBlocks}) != blocks the network delivered ${t.blocksDelivered}`)
  }
  if (t.clientBlocks !== t.blocksDelivered) {
    problems.push(`blocks the clients counted ${t.clientBlocks} != blocks the network delivered ${t.blocksDelivered}`)
  }
  if (t.clientDuplicates !== t.duplicateBlocks) {
    problems.push(`duplicates counted by the clients ${t.clientDuplicates} != by the sessions ${t.duplicateBlocks}`)
  }
  return problems
}
