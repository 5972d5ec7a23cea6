import { runMainnetLike } from './run-mainnet-like.js'
import { runScenario, type RunOptions } from './run-scenario.js'
import { isMainnetLike, type LabScenario } from '../scenarios/lab-scenarios.js'
import type { RunResult } from './metrics.js'
import type { StrategySet } from './lab-swarm.js'

/**
 * Runs any lab scenario once, by its kind: a MainnetLike one through `runMainnetLike` (which bounds each root by
 * its own deadline, so `maxTime` does not apply), any other as a swarm through `runScenario`.
 */
export async function runLabScenario (scenario: LabScenario, strategyName: string, strategy: StrategySet, seed: number, options: RunOptions = {}): Promise<RunResult> {
  return isMainnetLike(scenario)
    ? runMainnetLike(scenario, strategyName, strategy, seed)
    : runScenario(scenario, strategyName, strategy, seed, options)
}
