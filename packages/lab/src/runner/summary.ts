import { median } from './median.js'
import { ci95, clampInterval, pairedDifference, type Interval } from './interval.js'
import type { RunResult } from '../run/metrics.js'
import type { TrafficCounts } from '../run/message-counter.js'

/** The per-run figures a summary gives a 95 % interval for, and a paired difference against the baseline. */
export const INTERVAL_METRICS = [
  'timeMs', 'timeToFirstBlockMs', 'duplicateBlocks', 'blocksReceived', 'messagesSent', 'messagesReceived',
  'bytesReceived', 'success', 'messagesPerRoot', 'broadcastWantHaves'
] as const
export type IntervalMetric = typeof INTERVAL_METRICS[number]

/** A metric's value in one run; null where the run has none (no block arrived, no root found). */
export function metricOf (run: RunResult, metric: IntervalMetric): number | null {
  return metric === 'broadcastWantHaves' ? run.traffic.broadcastWantHaves : run[metric]
}

/** Medians over the seeds of one scenario under one strategy set, with intervals and the paired difference. */
export interface Summary {
  scenario: string
  strategy: string
  /** Runs that completed, of all runs. */
  runs: number
  failed: number
  timeMs: number
  /** Median over the runs in which a block arrived; null when none did. */
  timeToFirstBlockMs: number | null
  blocksReceived: number
  duplicateBlocks: number
  /** duplicates / blocks received, of the median run counts. */
  duplicateRatio: number
  messagesSent: number
  messagesReceived: number
  bytesSent: number
  bytesReceived: number
  /** Median fraction of the available roots the fetchers found. */
  success: number
  /** Median messages per root found; null when no run found one. */
  messagesPerRoot: number | null
  traffic: TrafficCounts
  /**
   * Mean and 95 % t interval over the seeds, per metric (runs that completed; runs without the metric left out),
   * the bounds held to what the metric can be (no negative time, no share above one).
   */
  ci95: Record<IntervalMetric, Interval>
  /**
   * This strategy set minus the baseline, run by run on the same seed (both completed), with its 95 % interval:
   * an interval wholly below or above zero is a difference the seeds agree on. Absent for the baseline itself.
   */
  vsBaseline?: { baseline: string, diff: Record<IntervalMetric, Interval> }
  /** Runs whose counts did not add up. */
  inconsistent: number
  /** Runs in which the clock guard had to step in (a node bug). */
  guarded: number
}

const TRAFFIC_KEYS: Array<keyof TrafficCounts> = ['messages', 'bytes', 'wantBlocks', 'wantHaves', 'cancels', 'blocks', 'haves', 'dontHaves', 'broadcastWantHaves']

/** The runs a summary stands on: the completed ones, or all of them when none completed. */
function basisOf (runs: readonly RunResult[]): readonly RunResult[] {
  const completed = runs.filter(run => run.ok)
  return completed.length > 0 ? completed : runs
}

/** A metric's values in `runs`, runs without it left out. */
function valuesOf (runs: readonly RunResult[], metric: IntervalMetric): number[] {
  return runs.map(run => metricOf(run, metric)).filter(value => value != null)
}

/** A metric by seed over the completed runs (the pairs of a paired difference), runs without it left out. */
function bySeed (runs: readonly RunResult[], metric: IntervalMetric): Map<number, number> {
  const out = new Map<number, number>()
  for (const run of runs) {
    const value = metricOf(run, metric)
    if (run.ok && value != null) out.set(run.seed, value)
  }
  return out
}

function perMetric (make: (metric: IntervalMetric) => Interval): Record<IntervalMetric, Interval> {
  return Object.fromEntries(INTERVAL_METRICS.map(metric => [metric, make(metric)])) as Record<IntervalMetric, Interval>
}

/**
 * Medians of the completed runs of one scenario × strategy (all runs when none completed), 95 % intervals over
 * the seeds, and, given the baseline's runs of the same scenario (`baseline` names it), the paired difference.
 */
export function summarize (runs: readonly RunResult[], baseline?: { name: string, runs: readonly RunResult[] }): Summary {
  if (runs.length === 0) throw new RangeError('Nothing to summarize')
  const basis = basisOf(runs)
  const med = (pick: (run: RunResult) => number): number => median(basis.map(pick))
  const medOrNull = (pick: (run: RunResult) => number | null): number | null => {
    const values = basis.map(pick).filter(value => value != null)
    return values.length === 0 ? null : median(values)
  }
  const blocksReceived = med(r => r.blocksReceived)
  const duplicateBlocks = med(r => r.duplicateBlocks)
  const traffic = Object.fromEntries(TRAFFIC_KEYS.map(key => [key, med(r => r.traffic[key])])) as unknown as TrafficCounts
  const strategy = runs[0].strategy
  const vsBaseline = baseline == null || baseline.name === strategy
    ? undefined
    : { baseline: baseline.name, diff: perMetric(metric => pairedDifference(bySeed(runs, metric), bySeed(baseline.runs, metric))) }
  return {
    scenario: runs[0].scenario,
    strategy,
    runs: runs.filter(run => run.ok).length,
    failed: runs.filter(run => !run.ok).length,
    timeMs: med(r => r.timeMs),
    timeToFirstBlockMs: medOrNull(r => r.timeToFirstBlockMs),
    blocksReceived,
    duplicateBlocks,
    duplicateRatio: blocksReceived === 0 ? 0 : duplicateBlocks / blocksReceived,
    messagesSent: med(r => r.messagesSent),
    messagesReceived: med(r => r.messagesReceived),
    bytesSent: med(r => r.bytesSent),
    bytesReceived: med(r => r.bytesReceived),
    success: med(r => r.success),
    messagesPerRoot: medOrNull(r => r.messagesPerRoot),
    traffic,
    // every metric is a count, a time or a share: never below zero, and a share never above one
    ci95: perMetric(metric => clampInterval(ci95(valuesOf(basis, metric)), 0, metric === 'success' ? 1 : Infinity)),
    ...(vsBaseline == null ? {} : { vsBaseline }),
    inconsistent: runs.filter(run => run.inconsistencies.length > 0).length,
    guarded: runs.filter(run => run.clockGuardTrips > 0).length
  }
}
