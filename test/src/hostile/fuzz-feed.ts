import { Worker } from 'node:worker_threads'

/** What the feeding worker is asked to do. */
export interface FuzzFeedSpec {
  /** The node under test. */
  addresses: string[]
  /** CIDs of blocks the node holds, for the fuzzer to name. */
  known: string[]
  seed: number
  /** Fuzzed bodies to feed after the corpus. */
  count: number
  /** Streams fed at once. */
  lanes: number
}

/** What the worker fed; its node stays connected until `stop`, so the node under test can count every byte. */
export interface FuzzFed {
  /** The feeding node's peer id. */
  peer: string
  /** Bodies that decode here (the node must count them as received)... */
  valid: number
  /** ...and the ones that do not (each a protocol error that resets its stream). */
  invalid: number
  /** Of all those, how many came from the corpus. */
  corpus: number
  /** The last bodies fed, to keep in the corpus if the node's counts turn out wrong. */
  recent: Uint8Array[]
}

/** The feed failed in the worker; `recent` are the last bodies it fed. */
export class FuzzFeedError extends Error {
  readonly recent: Uint8Array[]
  constructor (message: string, recent: Uint8Array[]) {
    super(message)
    this.recent = recent
  }
}

export type FuzzFeedReport =
  | ({ event: 'fed' } & FuzzFed)
  | { event: 'failed', message: string, recent: Uint8Array[] }
  | { event: 'stopped' }

/**
 * Feeds fuzzed bodies to a node from a worker thread: the fuzzer's own work (generating, decoding, framing,
 * encrypting) runs on the second core while the node under test decodes on the test's thread, and the worker has
 * none of the test runner's per-promise bookkeeping.
 */
export function fuzzFeed (spec: FuzzFeedSpec): { fed: Promise<FuzzFed>, stop: () => Promise<void> } {
  const worker = new Worker(new URL('./fuzz-feed-worker.js', import.meta.url), { workerData: spec })
  const exited = new Promise<void>(resolve => { worker.once('exit', () => { resolve() }) })
  const fed = new Promise<FuzzFed>((resolve, reject) => {
    worker.on('message', (report: FuzzFeedReport) => {
      if (report.event === 'fed') resolve(report)
      if (report.event === 'failed') reject(new FuzzFeedError(report.message, report.recent))
    })
    worker.once('error', reject)
    void exited.then(() => { reject(new Error('the fuzz feeder exited before it reported')) })
  })
  fed.catch(() => {}) // awaited by the caller; this only keeps an early failure from being unhandled meanwhile
  return {
    fed,
    stop: async () => {
      const stopped = new Promise<void>(resolve => {
        worker.on('message', (report: FuzzFeedReport) => { if (report.event === 'stopped') resolve() })
        void exited.then(resolve)
        // A worker stuck in a write gets a few seconds to stop its node, then goes anyway.
        setTimeout(resolve, 5_000).unref()
      })
      worker.postMessage('stop')
      await stopped
      await worker.terminate()
    }
  }
}
