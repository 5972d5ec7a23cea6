/**
 * The body of one lab worker thread: runs the runs it is sent, one at a time, and posts each result back.
 * Scenarios and strategy sets hold functions, which cannot cross to a thread, so a run names them and the
 * worker builds them from the catalog and the named strategy sets (or imports the strategy module), exactly as the
 * main thread would.
 */
import { parentPort } from 'node:worker_threads'
import { runLabScenario } from '../run/run-lab-scenario.js'
import { labScenarios, type LabScenario } from '../scenarios/lab-scenarios.js'
import { resolveStrategies } from './strategy-modules.js'
import type { WorkerReply, WorkerRun } from './worker-messages.js'

const port = parentPort
if (port == null) throw new Error('lab-worker.js runs as a worker thread, not on its own')
const catalog = new Map<string, LabScenario>(labScenarios().map(scenario => [scenario.name, scenario]))

port.on('message', (run: WorkerRun) => {
  void runOne(run).then(reply => { port.postMessage(reply) })
})

async function runOne (run: WorkerRun): Promise<WorkerReply> {
  try {
    const scenario = catalog.get(run.scenario)
    if (scenario == null) throw new RangeError(`No scenario named "${run.scenario}" in the catalog`)
    const strategy = (await resolveStrategies([run.strategy]))[run.strategy]
    const started = performance.now()
    const result = await runLabScenario(scenario, run.strategy, strategy, run.seed, { maxTime: run.maxTime })
    return { id: run.id, result, wallMs: performance.now() - started }
  } catch (err) {
    return { id: run.id, error: err instanceof Error ? err.message : String(err) }
  }
}
