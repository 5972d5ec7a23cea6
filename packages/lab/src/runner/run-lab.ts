import { runScenario } from '../run/run-scenario.js'
import { summarize, type Summary } from './summary.js'
import { describeScenario, type Scenario } from '../scenarios/scenario.js'
import type { RunResult } from '../run/metrics.js'
import type { StrategySet } from '../run/lab-swarm.js'

export interface LabInit {
  scenarios: readonly Scenario[]
  /** Strategy sets by the name they get in reports, e.g. `{ goDefaults, go2019 }`. */
  strategies: Readonly<Record<string, StrategySet>>
  /** One run per seed for each scenario × strategy (default [1, 2, 3]). */
  seeds?: readonly number[]
  /** Called after each run, with the real time it took (ms); for progress output. */
  onResult?: (result: RunResult, wallMs: number) => void
  /** Virtual ms one fetch may take (default 10 minutes). */
  maxTime?: number
  /** Stops the lab between runs: the promise rejects with the signal's reason and no report is made. */
  signal?: AbortSignal
}

export interface LabReport {
  scenarios: Array<Record<string, string | number>>
  strategies: string[]
  seeds: number[]
  /** Every run, in the order they ran: scenario, then seed, then strategy. */
  runs: RunResult[]
  /** Medians per scenario × strategy, in the same order. */
  summaries: Summary[]
}

/**
 * Runs every scenario under every strategy set for every seed. For one scenario and seed the strategy sets run
 * back to back on the same network draws, so they are compared side by side; the medians over seeds smooth
 * out the luck of any single draw. Results depend only on the inputs: the same call gives the same report.
 */
export async function runLab (init: LabInit): Promise<LabReport> {
  const seeds = [...(init.seeds ?? [1, 2, 3])]
  const names = Object.keys(init.strategies)
  if (names.length === 0) throw new RangeError('runLab needs at least one strategy set')
  if (seeds.length === 0) throw new RangeError('runLab needs at least one seed')
  const runs: RunResult[] = []
  const summaries: Summary[] = []
  for (const scenario of init.scenarios) {
    const byStrategy = new Map<string, RunResult[]>(names.map(name => [name, []]))
    for (const seed of seeds) {
      for (const name of names) {
        init.signal?.throwIfAborted()
        const started = performance.now()
        const result = await runScenario(scenario, name, init.strategies[name], seed, { maxTime: init.maxTime })
        init.onResult?.(result, performance.now() - started)
        runs.push(result)
        byStrategy.get(name)?.push(result)
      }
    }
    for (const name of names) summaries.push(summarize(byStrategy.get(name) ?? []))
  }
  return { scenarios: init.scenarios.map(describeScenario), strategies: names, seeds, runs, summaries }
}
