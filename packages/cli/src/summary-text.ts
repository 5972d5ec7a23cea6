import { humanBytes, humanDuration, humanRate } from './units.js'
import type { GetSummary } from './get-dag.js'

/**
 * A fetch's summary for people, e.g. `64.0 MiB file (64.0 MiB DAG in 65 blocks) in 1.2 s, 53.3 MiB/s, 0
 * duplicates`: file bytes and DAG bytes apart, and a rate over what came over the network, so a resumed
 * fetch says how much it had to fetch rather than a speed inflated by blocks already on disk.
 */
export function summaryText (summary: GetSummary): string {
  const what = summary.fileBytes == null
    ? `${humanBytes(summary.bytes)} DAG in ${summary.blocks} blocks`
    : `${humanBytes(summary.fileBytes)} file (${humanBytes(summary.bytes)} DAG in ${summary.blocks} blocks)`
  const fetched = summary.receivedBytes < summary.bytes
    ? `, ${humanBytes(summary.receivedBytes)} of it over the network (the rest was in the repository)`
    : ''
  return `${what}${fetched} in ${humanDuration(summary.seconds)}, ${humanRate(summary.receivedBytes, summary.seconds)}, ` +
    `${summary.duplicates} duplicates`
}
