import type { RunResult } from '../run/metrics.js'

/** A run sent to a lab worker, by names the worker resolves itself (see lab-worker.ts). */
export interface WorkerRun {
  /** Its index in the lab's report order. */
  id: number
  scenario: string
  strategy: string
  seed: number
  maxTime?: number
}

/** A worker's answer: the result and the real time the run took, or why it could not run. */
export type WorkerReply =
  | { id: number, result: RunResult, wallMs: number, error?: undefined }
  | { id: number, error: string }
