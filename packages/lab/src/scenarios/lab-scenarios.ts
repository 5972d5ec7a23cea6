import { goScenarios } from './catalog.js'
import { describeMainnetLike, MAINNET_LIKE, type MainnetLikeScenario } from './mainnet-like.js'
import { describeScenario, type Scenario } from './scenario.js'

/**
 * Anything the lab runs: a swarm of seeds and fetchers (`Scenario`, the Go suite's kind), or a MainnetLike
 * fetcher among 850 peers, which has a runner of its own (`runMainnetLike`).
 */
export type LabScenario = Scenario | MainnetLikeScenario

export function isMainnetLike (scenario: LabScenario): scenario is MainnetLikeScenario {
  return (scenario as Partial<MainnetLikeScenario>).kind === 'mainnetLike'
}

/** Every scenario the lab's command line knows by name: the Go suite, then the MainnetLike ones. */
export function labScenarios (): LabScenario[] {
  return [...goScenarios(), ...MAINNET_LIKE]
}

/** The plain facts of a lab scenario, for JSON reports. */
export function describeLabScenario (scenario: LabScenario): Record<string, string | number> {
  return isMainnetLike(scenario) ? describeMainnetLike(scenario) : describeScenario(scenario)
}
