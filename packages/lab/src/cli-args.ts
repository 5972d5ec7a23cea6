import { parseArgs } from 'node:util'
import { defaultLabWorkers } from './runner/run-lab-in-workers.js'

export interface CliOptions {
  help: boolean
  list: boolean
  scenarios: string[]
  strategies: string[]
  /** The strategy set the others are compared with, seed by seed (default the first of `strategies`). */
  baseline?: string
  seeds: number[]
  json?: string
  html?: string
  traffic: boolean
  maxTime?: number
  /** Worker threads running runs at once; 1 runs them in this thread. */
  workers: number
}

/** How the usage text names the program and its report-file option; the swapwright command differs in both. */
export interface UsageNames {
  /** The command as typed (default `swapwright-lab`). */
  program?: string
  /** The option that writes the JSON report file (default `--json`). */
  reportFileOption?: string
}

/** The lab's usage text. */
export function labUsage (names: UsageNames = {}): string {
  const program = names.program ?? 'swapwright-lab'
  const reportFile = `${names.reportFileOption ?? '--json'} <file>`
  return `${program}: the Go Bitswap benchmark scenarios in virtual time, strategy sets side by side

usage: ${program} [options]

  --scenario <glob|name>   scenarios to run; repeat or comma-separate; matched against the full name
                           (FixedDelay/3Nodes-AllToAll-OneAtATime) and the name after the group
                           (default: FixedDelay/*; MainnetLike/* are 850-peer broadcast scenarios)
  --strategy <a,b,...>     strategy sets to compare (default: goDefaults,go2019); a path such as
                           ./my-strategy.js loads a module whose default export is a preset (plugins by
                           slot, as goDefaults() returns) or a function returning one
  --baseline <name>        the strategy set the others are compared with, seed by seed, in the paired
                           differences of the summaries (default: the first of --strategy)
  --seeds <1,2,3>          one run per seed; the table shows medians (default: 1,2,3)
  ${reportFile.padEnd(24)} write every run and the medians as JSON
  --html <file>            write a self-contained HTML report with charts
  --traffic                also print the wants, presences and blocks the network carried
  --max-time <ms>          virtual time a fetch may take before it counts as stalled (default 600000)
  --workers <n>            runs at once, each in its own worker thread; 1 runs them in this thread
                           (default: the number of cores, here ${defaultLabWorkers()})
  --list                   list the scenarios and strategy sets, then exit
  --help                   this text

examples:
  ${program} --scenario '3Nodes-*' --seeds 1
  ${program} --scenario 'RealWorld/*Fast*' --strategy goDefaults --seeds 1 --html out.html
  ${program} --scenario '3Nodes-*' --strategy goDefaults,./my-strategy.js --seeds 1,2,3,4,5
  ${program} --scenario 'MainnetLike/*' --strategy goDefaults,boxo2025,adaptive --seeds 1,2
`
}

export const USAGE = labUsage()

function list (value: string | undefined, fallback: string): string[] {
  return (value ?? fallback).split(',').map(s => s.trim()).filter(s => s !== '')
}

/** Parses the command line; throws a TypeError with a readable message on a bad option. */
export function parseCli (argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      scenario: { type: 'string', multiple: true },
      strategy: { type: 'string' },
      baseline: { type: 'string' },
      seeds: { type: 'string' },
      json: { type: 'string' },
      // the same as --json <file>, for the swapwright command, whose --json means JSON lines on stdout
      'json-file': { type: 'string' },
      html: { type: 'string' },
      traffic: { type: 'boolean', default: false },
      'max-time': { type: 'string' },
      workers: { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  const seeds = list(values.seeds, '1,2,3').map(s => {
    const seed = Number(s)
    if (!Number.isSafeInteger(seed) || seed < 0) throw new TypeError(`--seeds: "${s}" is not a whole number >= 0`)
    return seed
  })
  const maxTime = values['max-time'] == null ? undefined : Number(values['max-time'])
  if (maxTime != null && !(maxTime > 0)) throw new TypeError(`--max-time: "${values['max-time']}" is not a positive number of ms`)
  const workers = values.workers == null ? defaultLabWorkers() : Number(values.workers)
  if (!Number.isSafeInteger(workers) || workers < 1) throw new TypeError(`--workers: "${values.workers}" is not a whole number >= 1`)
  const strategies = list(values.strategy, 'goDefaults,go2019')
  if (values.baseline != null && !strategies.includes(values.baseline)) {
    throw new TypeError(`--baseline: "${values.baseline}" is not one of --strategy (${strategies.join(', ')})`)
  }
  return {
    help: values.help,
    list: values.list,
    scenarios: values.scenario ?? ['FixedDelay/*'],
    strategies,
    baseline: values.baseline,
    seeds,
    json: values['json-file'] ?? values.json,
    html: values.html,
    traffic: values.traffic,
    maxTime,
    workers
  }
}
