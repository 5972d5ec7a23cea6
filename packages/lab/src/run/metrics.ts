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
  /**
   * Virtual ms from the start of the fetch until the first block reached a fetcher's application (the earliest
   * over the fetchers); null when none did.
   */
  timeToFirstBlockMs: number | null
  /** Requested roots some seed held, summed over the fetchers (every requested block is a root of its own). */
  rootsAvailable: number
  /** Of those, the ones the fetchers ended up holding. */
  rootsFound: number
  /** rootsFound / rootsAvailable: 1 when nothing was available to find. */
  success: number
  /** Every message the network carried, per root found; null when none was found. */
  messagesPerRoot: number | null
  /** Unique blocks the fetchers' applications had received, over virtual time since the start of the fetch. */
  blocksOverTime: BlocksPoint[]
  /**
   * Everything the network delivered during the run, by entry kind, counted from the messages themselves
   * (`broadcastWantHaves` too, by delivery order: see `MessageCounter`. The client's own `broadcastWantHaves`
   * stat counts the WANT_HAVEs it sent without asking for DONT_HAVE; the two differ only where a broadcast goes to
   * a peer that has answered the node in another session).
   */
  traffic: TrafficCounts
  /** Consistency checks that failed (empty when every count agrees). */
  inconsistencies: string[]
  /**
   * Instants at which a node re-armed zero-delay timers without end and the lab's clock guard had to move time
   * on (see GuardedClock). Non-zero means a bug in the node, not in the strategy; the run is still reported.
   */
  clockGuardTrips: number
}

/** Rounds virtual ms to a microsecond: floating-point noise stays out of reports. */
export const micro = (ms: number): number => Math.round(ms * 1000) / 1000

/** [virtual ms since the start of the fetch, unique blocks received by then over all fetchers]. */
export type BlocksPoint = [ms: number, blocks: number]

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
