import { Worker } from 'node:worker_threads'
import type { Libp2pLinkStats } from '@swapwright/transports'

/** The node under fuzzing, started in a worker thread with `blocks` (CIDs as strings). */
export interface FuzzTarget {
  addresses: string[]
  /** Its peer id as a string. */
  key: string
  /** The node's network counters for `peer`, as the node reads them now. */
  stats: (peer: string) => Promise<Libp2pLinkStats | undefined>
  stop: () => Promise<void>
}

export type FuzzTargetReport =
  | { event: 'started', addresses: string[], key: string }
  | { event: 'stats', stats: Libp2pLinkStats | undefined }
  | { event: 'stopped' }

export type FuzzTargetRequest = { ask: 'stats', peer: string } | { ask: 'stop' }

/** How long the node gets to start, answer or stop before the test gives up on it. */
const ANSWER_TIMEOUT_MS = 60_000

/**
 * A real Swapwright node on its own thread: the test runner tracks every promise of the thread it runs on (about
 * a tenth of the node's time when it decodes 100,000 messages), and a worker has none of that bookkeeping.
 */
export async function fuzzTarget (blocks: Array<{ cid: string, data: Uint8Array }>): Promise<FuzzTarget> {
  const worker = new Worker(new URL('./fuzz-target-worker.js', import.meta.url), { workerData: { blocks } })
  const exited = new Promise<void>(resolve => { worker.once('exit', () => { resolve() }) })
  const next = async <E extends FuzzTargetReport['event']>(event: E): Promise<Extract<FuzzTargetReport, { event: E }>> => {
    let onMessage: ((report: FuzzTargetReport) => void) | undefined
    let timer: NodeJS.Timeout | undefined
    try {
      return await new Promise((resolve, reject) => {
        onMessage = report => { if (report.event === event) resolve(report as Extract<FuzzTargetReport, { event: E }>) }
        worker.on('message', onMessage)
        worker.once('error', reject)
        void exited.then(() => { reject(new Error(`the fuzzed node's worker exited before "${event}"`)) })
        timer = setTimeout(() => { reject(new Error(`the fuzzed node's worker gave no "${event}" within ${ANSWER_TIMEOUT_MS} ms`)) }, ANSWER_TIMEOUT_MS)
      })
    } finally {
      if (onMessage != null) worker.off('message', onMessage)
      clearTimeout(timer)
    }
  }
  const ask = (request: FuzzTargetRequest): void => { worker.postMessage(request) }
  let started: Extract<FuzzTargetReport, { event: 'started' }>
  try {
    started = await next('started')
  } catch (err) {
    await worker.terminate()
    throw err
  }
  return {
    addresses: started.addresses,
    key: started.key,
    stats: async (peer) => {
      const answer = next('stats')
      ask({ ask: 'stats', peer })
      return (await answer).stats
    },
    stop: async () => {
      const stopped = next('stopped').catch(() => {})
      ask({ ask: 'stop' })
      await stopped
      await worker.terminate()
    }
  }
}
