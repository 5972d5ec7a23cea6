import { runLabScenario } from '../run/run-lab-scenario.js'
import { summarize, type Summary } from './summary.js'
import { describeLabScenario, type LabScenario } from '../scenarios/lab-scenarios.js'
import type { RunResult } from '../run/metrics.js'
import type { StrategySet } from '../run/lab-swarm.js'

export interface LabInit {
  /** Swarm scenarios (the Go suite's kind) and MainnetLike ones, in report order. */
  scenarios: readonly LabScenario[]
  /** Strategy sets by the name they get in reports, e.g. `{ goDefaults, go2019 }`. */
  strategies: Readonly<Record<string, StrategySet>>
  /** One run per seed for each scenario × strategy (default [1, 2, 3]). */
  seeds?: readonly number[]
  /** Called after each run, in report order, with the real time it took (ms); for progress output. */
  onResult?: (result: RunResult, wallMs: number) => void
  /** Virtual ms one fetch may take (default 10 minutes). */
  maxTime?: number
  /** Stops the lab between runs: the promise rejects with the signal's reason and no report is made. */
  signal?: AbortSignal
  /** The strategy set the others are compared with, seed by seed (default the first). */
  baseline?: string
}

export interface LabReport {
  scenarios: Array<Record<string, string | number>>
  strategies: string[]
  seeds: number[]
  /** The strategy set every summary's paired difference is taken against. */
  baseline: string
  /** Every run, in the order they ran: scenario, then seed, then strategy. */
  runs: RunResult[]
  /** Medians, intervals and paired differences per scenario × strategy, in the same order. */
  summaries: Summary[]
}

/** One run of a lab: a scenario (by its index in the lab's list), a strategy set and a seed. */
export interface LabTask {
  scenario: number
  strategy: string
  seed: number
}

/** The lab's seeds, checked: the default when none are given; at least one seed and one strategy set. */
export function labSeeds (strategies: readonly string[], seeds: readonly number[] | undefined): number[] {
  if (strategies.length === 0) throw new RangeError('runLab needs at least one strategy set')
  const out = [...(seeds ?? [1, 2, 3])]
  if (out.length === 0) throw new RangeError('runLab needs at least one seed')
  return out
}

/** Every run of a lab in report order: scenario, then seed, then strategy set. */
export function labTasks (scenarioCount: number, strategies: readonly string[], seeds: readonly number[]): LabTask[] {
  const tasks: LabTask[] = []
  for (let scenario = 0; scenario < scenarioCount; scenario++) {
    for (const seed of seeds) for (const strategy of strategies) tasks.push({ scenario, strategy, seed })
  }
  return tasks
}

/** The baseline strategy set, checked: the first when none is named; a name not in the lab fails. */
export function labBaseline (strategies: readonly string[], baseline: string | undefined): string {
  const name = baseline ?? strategies[0]
  if (!strategies.includes(name)) throw new RangeError(`The baseline "${name}" is not one of the lab's strategy sets (${strategies.join(', ')})`)
  return name
}

/**
 * The report of a lab from its runs in report order (see `labTasks`), however they were run; every summary is
 * compared with the `baseline` set's runs of its scenario (default the first set).
 */
export function labReport (scenarios: readonly LabScenario[], strategies: readonly string[], seeds: readonly number[], runs: RunResult[], baseline?: string): LabReport {
  const base = labBaseline(strategies, baseline)
  const summaries: Summary[] = []
  for (const scenario of scenarios) {
    const of = (name: string): RunResult[] => runs.filter(run => run.scenario === scenario.name && run.strategy === name)
    const baseRuns = of(base)
    for (const name of strategies) summaries.push(summarize(of(name), { name: base, runs: baseRuns }))
  }
  return { scenarios: scenarios.map(describeLabScenario), strategies: [...strategies], seeds: [...seeds], baseline: base, runs, summaries }
}

/**
 * Runs every scenario under every strategy set for every seed, one after another in this thread (see
 * `runLabInWorkers` for the same on every core). For one scenario and seed the strategy sets run back to back
 * on the same network draws, so they are compared side by side; the medians over seeds smooth out the luck of
 * any single draw. Results depend only on the inputs: the same call gives the same report.
 */
export async function runLab (init: LabInit): Promise<LabReport> {
  const names = Object.keys(init.strategies)
  const seeds = labSeeds(names, init.seeds)
  const baseline = labBaseline(names, init.baseline)
  const runs: RunResult[] = []
  for (const task of labTasks(init.scenarios.length, names, seeds)) {
    init.signal?.throwIfAborted()
    const started = performance.now()
    const result = await runLabScenario(init.scenarios[task.scenario], task.strategy, init.strategies[task.strategy], task.seed, { maxTime: init.maxTime })
    init.onResult?.(result, performance.now() - started)
    runs.push(result)
  }
  return labReport(init.scenarios, names, seeds, runs, baseline)
}
