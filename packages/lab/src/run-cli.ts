import { writeFile } from 'node:fs/promises'
import { errorMessage } from '@swapwright/core'
import { parseCli, USAGE, type CliOptions } from './cli-args.js'
import { htmlReport } from './report/html-report.js'
import { seconds } from './report/format.js'
import { intervalTable, summaryTable, trafficTable } from './report/summary-table.js'
import { runLab, type LabReport } from './runner/run-lab.js'
import { runLabInWorkers } from './runner/run-lab-in-workers.js'
import { NAMED_STRATEGIES } from './runner/strategies.js'
import { resolveStrategies } from './runner/strategy-modules.js'
import { labScenarios } from './scenarios/lab-scenarios.js'
import { selectScenarios } from './scenarios/select.js'
import type { RunResult } from './run/metrics.js'

/** Where the lab's command line writes, one line per call (without its newline). */
export interface LabCliIo {
  /** The tables and the files written: stdout for the lab's own command. */
  out: (line: string) => void
  /** A line per finished run, and problems: stderr for the lab's own command. */
  err: (line: string) => void
}

/** The process's own streams. */
export const processIo: LabCliIo = {
  out: line => { process.stdout.write(line + '\n') },
  err: line => { process.stderr.write(line + '\n') }
}

/** Real time one run took. */
export interface RunTiming {
  scenario: string
  strategy: string
  seed: number
  wallMs: number
}

export interface LabCliResult {
  report: LabReport
  timings: RunTiming[]
  /** Real time of the whole lab run, ms. */
  wallMs: number
  /** Virtual time the runs simulated per unit of real time (their `timeMs` summed over `wallMs`). */
  speed: number
  /** Runs that failed or whose counts did not add up. */
  bad: number
  /** The report files written (--json, --html). */
  written: string[]
}

/** Called after each run: for callers that report progress their own way. */
export type OnLabRun = (result: RunResult, wallMs: number, done: number, total: number) => void

/** Every scenario and strategy set, as `--list` prints them. */
export function labListing (): string {
  const lines = ['scenarios:']
  for (const s of labScenarios()) lines.push(`  ${s.name.padEnd(66)} ${s.description}`)
  lines.push(`\nstrategy sets: ${Object.keys(NAMED_STRATEGIES).join(', ')} (or a module path: ./my-strategy.js)`)
  return lines.join('\n')
}

/**
 * Runs what parsed options select, prints the median table (and traffic) and writes the report files asked for.
 * An unknown scenario or strategy set is a RangeError before anything runs; `signal` stops it between runs.
 */
export async function runLabOptions (options: CliOptions, io: LabCliIo, onRun?: OnLabRun, signal?: AbortSignal): Promise<LabCliResult> {
  const scenarios = selectScenarios(labScenarios(), options.scenarios)
  const strategies = await resolveStrategies(options.strategies)
  const total = scenarios.length * options.strategies.length * options.seeds.length
  const timings: RunTiming[] = []
  let done = 0
  const started = performance.now()
  const onResult = (r: RunResult, wallMs: number): void => {
    done++
    timings.push({ scenario: r.scenario, strategy: r.strategy, seed: r.seed, wallMs: Math.round(wallMs) })
    const status = !r.ok ? `  FAILED: ${r.error ?? ''}` : r.inconsistencies.length > 0 ? `  INCONSISTENT: ${r.inconsistencies.join('; ')}` : ''
    io.err(`[${done}/${total}] ${r.scenario} ${r.strategy} seed ${r.seed}: ${seconds(r.timeMs)}, ${r.duplicateBlocks}/${r.blocksReceived} dups (${(wallMs / 1000).toFixed(1)} s wall)${status}`)
    onRun?.(r, wallMs, done, total)
  }
  const common = { scenarios, seeds: options.seeds, maxTime: options.maxTime, signal, onResult, baseline: options.baseline }
  const report = options.workers > 1
    ? await runLabInWorkers({ ...common, strategies: options.strategies, workers: options.workers })
    : await runLab({ ...common, strategies })
  const wallMs = performance.now() - started
  const speed = labSpeed(report.runs, wallMs)
  io.out(`\nMedians over seeds ${options.seeds.join(', ')} (time is virtual):\n`)
  io.out(summaryTable(report))
  io.out(`\nMeans with 95 % intervals over the seeds; differences from ${report.baseline} paired by seed:\n`)
  io.out(intervalTable(report))
  if (options.traffic) io.out(`\n${trafficTable(report)}`)
  io.out(`\n${report.runs.length} runs in ${(wallMs / 1000).toFixed(1)} s of real time, ${options.workers > 1 ? `${options.workers} worker threads` : 'one thread'}: ${speed.toFixed(1)}× real time`)
  const written: string[] = []
  if (options.json != null) {
    await writeFile(options.json, JSON.stringify({ ...report, timings, wallMs: Math.round(wallMs), speed: Number(speed.toFixed(2)) }, null, 2) + '\n')
    written.push(options.json)
    io.out(`wrote ${options.json}`)
  }
  if (options.html != null) {
    await writeFile(options.html, htmlReport(report))
    written.push(options.html)
    io.out(`wrote ${options.html}`)
  }
  const bad = report.runs.filter(r => !r.ok || r.inconsistencies.length > 0).length
  if (bad > 0) io.err(`${bad} run(s) failed or did not add up: see the table flags`)
  return { report, timings, wallMs, speed, bad, written }
}

/** Virtual ms simulated per real ms: how many times faster than real time the runs went, all together. */
export function labSpeed (runs: readonly RunResult[], wallMs: number): number {
  let virtual = 0
  for (const run of runs) virtual += run.timeMs
  return wallMs > 0 ? virtual / wallMs : 0
}

/**
 * The lab's command line from start to end. Returns the exit code: 0 done, 1 a run failed or did not add up,
 * 2 a bad option, an unknown scenario or strategy set, or a report file that could not be written.
 */
export async function runLabCli (argv: string[], io: LabCliIo = processIo): Promise<number> {
  let options: CliOptions
  try {
    options = parseCli(argv)
  } catch (err) {
    io.err(`${errorMessage(err)}\n\n${USAGE}`)
    return 2
  }
  if (options.help) {
    io.out(USAGE)
    return 0
  }
  if (options.list) {
    io.out(labListing())
    return 0
  }
  try {
    const { bad } = await runLabOptions(options, io)
    return bad > 0 ? 1 : 0
  } catch (err) {
    io.err(errorMessage(err))
    return 2
  }
}
