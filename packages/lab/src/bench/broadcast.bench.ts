/**
 * The broadcast table of the strategies package's README: goDefaults, boxo2025 and adaptiveBroadcast on every
 * MainnetLike scenario over seeds 1..5 (virtual time, so the numbers do not depend on the machine). Run with
 * `npm run bench:broadcast`; `--seeds 1..3` and `--scenario Dag100` narrow it. `--cache DIR` keeps each run's
 * result in DIR and reuses it, except for the strategies named by `--fresh` (e.g. `--fresh adaptive`): runs are
 * exact in virtual time, so a strategy whose code did not change need not run again while another is tuned
 * (a goDefaults run of MainnetLike takes minutes on a loaded machine). Clear DIR when core or the lab change.
 * `--bound` adds a row `tier-bound`: a first step of the same 20 peers chosen knowing every provider's tier
 * (see `tierBound`): about the best a first step of that size can do by knowing the tiers.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MAINNET_LIKE } from '../scenarios/mainnet-like.js'
import { placeRoots } from '../run/mainnet-placement.js'
import { runMainnetLike, type MainnetRunResult } from '../run/run-mainnet-like.js'
import { namedStrategies } from '../runner/strategies.js'
import { tierBound } from './tier-bound.js'
import type { StrategySet } from '../run/lab-swarm.js'

const BOUND = 'tier-bound'
const STRATEGIES: Array<[string, StrategySet | typeof BOUND]> = Object.entries(namedStrategies(['goDefaults', 'boxo2025', 'adaptive']))
if (process.argv.includes('--bound')) STRATEGIES.push([BOUND, BOUND])

function argument (name: string): string | undefined {
  const at = process.argv.indexOf(name)
  return at < 0 ? undefined : process.argv[at + 1]
}

function seedsOf (text = '1..5'): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(text)
  if (range == null) return text.split(',').map(Number)
  const out: number[] = []
  for (let s = Number(range[1]); s <= Number(range[2]); s++) out.push(s)
  return out
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** Mean and 95 % t-interval half-width over seeds (n ≤ 10). */
function ci95 (xs: number[]): { mean: number, half: number } {
  const T = [NaN, 12.71, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262]
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  if (xs.length < 2) return { mean, half: NaN }
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1))
  return { mean, half: (T[xs.length - 1] ?? 1.96) * sd / Math.sqrt(xs.length) }
}

/**
 * The median over every root found in any of the seeds' runs: a run of Dag100 finds about 7 roots, so its own
 * median is one root's time, and a seed's mix of top-provider roots moves it by whole round trips.
 */
const pooledMedian = (runs: MainnetRunResult[]): number => median(runs.flatMap(r => r.firstBlockTimes.filter((t): t is number => t !== null)))

const fmt = (x: number, digits = 0): string => Number.isFinite(x) ? x.toFixed(digits) : '–'
const interval = (xs: number[], digits = 0, scale = 1): string => {
  const { mean, half } = ci95(xs.map(x => x * scale))
  return `${fmt(mean, digits)} ± ${fmt(half, digits)}`
}

const cache = argument('--cache')
const fresh = new Set((argument('--fresh') ?? '').split(',').filter(name => name !== ''))

/** One run, from the cache when allowed, else run (and cached). */
async function runOnce (scenario: (typeof MAINNET_LIKE)[number], name: string, given: StrategySet | typeof BOUND, seed: number): Promise<MainnetRunResult> {
  const file = cache === undefined ? undefined : join(cache, `${scenario.name.replace(/^MainnetLike\//, '')}-${name}-${seed}.json`)
  if (file !== undefined && !fresh.has(name)) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as MainnetRunResult
    } catch {
      // not cached yet: run it
    }
  }
  const strategy = given === BOUND ? tierBound(scenario, await placeRoots(scenario, seed)) : given
  const result = await runMainnetLike(scenario, name, strategy, seed)
  if (file !== undefined && cache !== undefined) {
    mkdirSync(cache, { recursive: true })
    writeFileSync(file, JSON.stringify(result))
  }
  return result
}

const seeds = seedsOf(argument('--seeds'))
const only = argument('--scenario')
const scenarios = MAINNET_LIKE.filter(s => only == null || s.name.includes(only))
const lines: string[] = [
  `MainnetLike, seeds ${seeds.join(', ')}: mean ± 95 % t-interval over seeds; ratios are paired per seed.`,
  '',
  '| scenario | strategy | broadcast WANT_HAVEs | vs goDefaults | vs boxo2025 | success % | time to first block, median ms | vs goDefaults | all seeds\' roots, median ms | vs goDefaults |',
  '|---|---|---|---|---|---|---|---|---|---|'
]
for (const scenario of scenarios) {
  const results = new Map<string, MainnetRunResult[]>()
  for (const [name, strategy] of STRATEGIES) {
    const runs: MainnetRunResult[] = []
    for (const seed of seeds) {
      const run = await runOnce(scenario, name, strategy, seed)
      process.stderr.write(`${scenario.name} ${name} seed ${seed}: ${run.traffic.broadcastWantHaves} broadcast WANT_HAVEs, ${run.rootsFound}/${run.rootsAvailable} fetched, first block ${fmt(run.timeToFirstBlockMs ?? NaN)} ms\n`)
      runs.push(run)
    }
    results.set(name, runs)
  }
  const base = results.get('goDefaults') ?? []
  const boxo = results.get('boxo2025') ?? []
  for (const [name] of STRATEGIES) {
    const runs = results.get(name) ?? []
    const ratio = (other: MainnetRunResult[], pick: (r: MainnetRunResult) => number): string =>
      interval(runs.map((r, i) => pick(r) / pick(other[i])), 2)
    const pooled = pooledMedian(runs)
    lines.push(`| ${scenario.name} | ${name} | ${interval(runs.map(r => r.traffic.broadcastWantHaves))} | ${ratio(base, r => r.traffic.broadcastWantHaves)} | ${ratio(boxo, r => r.traffic.broadcastWantHaves)} | ${interval(runs.map(r => r.success), 1, 100)} | ${interval(runs.map(r => r.timeToFirstBlockMs ?? NaN))} (median of seeds ${fmt(median(runs.map(r => r.timeToFirstBlockMs ?? NaN)))}) | ${ratio(base, r => r.timeToFirstBlockMs ?? NaN)} | ${fmt(pooled)} | ${fmt(pooled / pooledMedian(base), 2)} |`)
  }
}
console.log(lines.join('\n'))
