import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { labBaseline, labReport, labSeeds, labTasks, type LabReport } from './run-lab.js'
import { resolveStrategies } from './strategy-modules.js'
import { labScenarios, type LabScenario } from '../scenarios/lab-scenarios.js'
import type { WorkerReply, WorkerRun } from './worker-messages.js'
import type { RunResult } from '../run/metrics.js'

/** Worker threads the lab uses when not told: one per core the process may use. */
export function defaultLabWorkers (): number {
  return availableParallelism()
}

export interface WorkerLabInit {
  /** Scenarios the lab knows by name (`labScenarios()`: the Go suite and MainnetLike): a worker finds each by its name. */
  scenarios: readonly LabScenario[]
  /**
   * Names of strategy sets from `NAMED_STRATEGIES`, or paths of strategy modules (see `loadStrategyModule`;
   * relative to the process's working directory, which the workers share), in report order.
   */
  strategies: readonly string[]
  /** One run per seed for each scenario × strategy (default [1, 2, 3]). */
  seeds?: readonly number[]
  /** Worker threads, each running one run at a time (default `defaultLabWorkers()`, the number of cores). */
  workers?: number
  /**
   * Called after each run with the real time it took in its worker (ms), in report order as `runLab` does: a
   * run that finishes before an earlier one is held back until that one is reported.
   */
  onResult?: (result: RunResult, wallMs: number) => void
  /** Virtual ms one fetch may take (default 10 minutes). */
  maxTime?: number
  /** Stops the lab: the workers are ended and the promise rejects with the signal's reason. */
  signal?: AbortSignal
  /** The strategy set the others are compared with, seed by seed (default the first). */
  baseline?: string
}

/**
 * The lab of `runLab` on several cores: every scenario × strategy set × seed is one run, handed to the next free
 * worker thread. A run depends only on its scenario, strategy set and seed (each builds its own network, clock
 * and nodes), so the report is the same, byte for byte, as `runLab` gives in one thread: runs are put back in
 * report order whatever order they finish in. Only catalog scenarios and named strategy sets can run this way,
 * because a worker rebuilds them from their names.
 */
export async function runLabInWorkers (init: WorkerLabInit): Promise<LabReport> {
  const seeds = labSeeds(init.strategies, init.seeds)
  const baseline = labBaseline(init.strategies, init.baseline)
  // every set must load here, so a bad name or module fails before any worker starts
  await resolveStrategies(init.strategies)
  const catalog = new Set(labScenarios().map(scenario => scenario.name))
  const foreign = init.scenarios.find(scenario => !catalog.has(scenario.name))
  if (foreign != null) throw new RangeError(`Scenario "${foreign.name}" is not in the catalog: worker threads can only run catalog scenarios`)
  const workers = init.workers ?? defaultLabWorkers()
  if (!Number.isSafeInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`)
  init.signal?.throwIfAborted()
  const runs: WorkerRun[] = labTasks(init.scenarios.length, init.strategies, seeds).map((task, id) => ({
    id, scenario: init.scenarios[task.scenario].name, strategy: task.strategy, seed: task.seed, maxTime: init.maxTime
  }))
  const results = await inWorkers(runs, Math.min(workers, runs.length), init.onResult, init.signal)
  return labReport(init.scenarios, init.strategies, seeds, results, baseline)
}

/** Runs `runs` on `count` worker threads, each sent its next run when it answers; results in `id` order. */
async function inWorkers (runs: readonly WorkerRun[], count: number, onResult: WorkerLabInit['onResult'], signal?: AbortSignal): Promise<RunResult[]> {
  const results: RunResult[] = new Array(runs.length)
  const wallMs: number[] = new Array(runs.length)
  const threads: Worker[] = []
  let reported = 0
  let next = 0
  let answered = 0
  let onAbort = (): void => {}
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (err: unknown): void => { reject(err) }
      onAbort = () => { fail(signal?.reason) }
      signal?.addEventListener('abort', onAbort, { once: true })
      const feed = (worker: Worker): void => {
        if (next < runs.length) worker.postMessage(runs[next++])
      }
      for (let i = 0; i < count; i++) {
        const worker = new Worker(new URL('./lab-worker.js', import.meta.url))
        threads.push(worker)
        worker.on('message', (reply: WorkerReply) => {
          if (reply.error != null) {
            fail(new Error(`${runs[reply.id].scenario} ${runs[reply.id].strategy} seed ${runs[reply.id].seed}: ${reply.error}`))
            return
          }
          results[reply.id] = reply.result
          wallMs[reply.id] = reply.wallMs
          try {
            for (; reported < runs.length && results[reported] != null; reported++) onResult?.(results[reported], wallMs[reported])
          } catch (err) {
            fail(err)
            return
          }
          if (++answered === runs.length) resolve()
          else feed(worker)
        })
        worker.on('error', fail)
        worker.on('exit', code => {
          if (answered < runs.length) fail(new Error(`a lab worker thread exited (code ${code}) before the lab was done`))
        })
        feed(worker)
      }
    })
  } finally {
    signal?.removeEventListener('abort', onAbort)
    await Promise.all(threads.map(async worker => worker.terminate()))
  }
  return results
}
