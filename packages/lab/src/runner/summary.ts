import { median } from './median.js'
import type { RunResult } from '../run/metrics.js'
import type { TrafficCounts } from '../run/message-counter.js'

/** Medians over the seeds of one scenario under one strategy set. */
export interface Summary {
  scenario: string
  strategy: string
  /** Runs that completed, of all runs. */
  runs: number
  failed: number
  timeMs: number
  blocksReceived: number
  duplicateBlocks: number
  /** duplicates / blocks received, of the median run counts. */
  duplicateRatio: number
  messagesSent: number
  messagesReceived: number
  bytesSent: number
  bytesReceived: number
  traffic: TrafficCounts
  /** Runs whose counts did not add up. */
  inconsistent: number
  /** Runs in which the clock guard had to step in (a node bug). */
  guarded: number
}

const TRAFFIC_KEYS: Array<keyof TrafficCounts> = ['messages', 'bytes', 'wantBlocks', 'wantHaves', 'cancels', 'blocks', 'haves', 'dontHaves']

/** Medians of the completed runs of one scenario × strategy (all runs when none completed). */
export function summarize (runs: readonly RunResult[]): Summary {
  if (runs.length === 0) throw new RangeError('Nothing to summarize')
  const completed = runs.filter(run => run.ok)
  const basis = completed.length > 0 ? completed : runs
  const med = (pick: (run: RunResult) => number): number => median(basis.map(pick))
  const blocksReceived = med(r => r.blocksReceived)
  const duplicateBlocks = med(r => r.duplicateBlocks)
  const traffic = Object.fromEntries(TRAFFIC_KEYS.map(key => [key, med(r => r.traffic[key])])) as unknown as TrafficCounts
  return {
    scenario: runs[0].scenario,
    strategy: runs[0].strategy,
    runs: completed.length,
    failed: runs.length - completed.length,
    timeMs: med(r => r.timeMs),
    blocksReceived,
    duplicateBlocks,
    duplicateRatio: blocksReceived === 0 ? 0 : duplicateBlocks / blocksReceived,
    messagesSent: med(r => r.messagesSent),
    messagesReceived: med(r => r.messagesReceived),
    bytesSent: med(r => r.bytesSent),
    bytesReceived: med(r => r.bytesReceived),
    traffic,
    inconsistent: runs.filter(run => run.inconsistencies.length > 0).length,
    guarded: runs.filter(run => run.clockGuardTrips > 0).length
  }
}
