import { labListing, labUsage, labScenarios, NAMED_STRATEGIES, parseCli, processIo, runLabOptions, type CliOptions, type LabCliIo, type OnLabRun } from '@swapwright/lab'
import { errorMessage } from '@swapwright/core'
import { CliError, ExitCode, fileError } from '../errors.js'
import type { Command } from '../command.js'

/** With --json, stdout carries only JSON lines: the lab's tables and per-run lines are left out. */
const silent: LabCliIo = { out: () => {}, err: () => {} }

export const labCommand: Command = {
  name: 'lab',
  help: `${labUsage({ program: 'swapwright lab', reportFileOption: '--json-file' })}
Here --json prints one JSON object per line on stdout, each with an "event" field: "run" after each run, then
"report" with the medians of every scenario and strategy set; --json-file <file> writes the lab's report file.

Exit codes: 0 done, 1 a run failed or did not add up, 2 bad arguments, an unknown scenario or strategy set, or a
strategy module that is missing or exports no preset, 5 disk full while writing a report file, 130 interrupted.`,
  async run (argv, output, signal) {
    const options = parse(labArgs(argv))
    if (options.list) {
      output.event('list', { scenarios: labScenarios().map(s => s.name), strategies: Object.keys(NAMED_STRATEGIES) }, labListing())
      return
    }
    const onRun: OnLabRun = (r, wallMs, done, total) => {
      output.event('run', {
        done,
        total,
        scenario: r.scenario,
        strategy: r.strategy,
        seed: r.seed,
        ok: r.ok,
        error: r.error,
        timeMs: r.timeMs,
        blocksReceived: r.blocksReceived,
        uniqueBlocks: r.uniqueBlocks,
        duplicateBlocks: r.duplicateBlocks,
        timeToFirstBlockMs: r.timeToFirstBlockMs,
        success: r.success,
        messagesPerRoot: r.messagesPerRoot,
        broadcastWantHaves: r.traffic.broadcastWantHaves,
        inconsistencies: r.inconsistencies,
        wallMs: Math.round(wallMs)
      })
    }
    let result
    try {
      result = await runLabOptions(options, output.json ? silent : processIo, onRun, signal)
    } catch (err) {
      throw labError(err, options, signal)
    }
    const { report, bad, wallMs, written } = result
    output.event('report', {
      scenarios: report.scenarios.map(s => s.name),
      strategies: report.strategies,
      seeds: report.seeds,
      baseline: report.baseline,
      runs: report.runs.length,
      bad,
      wallMs: Math.round(wallMs),
      written,
      summaries: report.summaries
    })
    if (bad > 0) throw new CliError(`${bad} run(s) failed or did not add up: see the table flags`, ExitCode.failure)
  }
}

/**
 * The lab's own arguments: the swapwright-wide `--json` flag taken out. The lab's `--json <file>` would read as
 * that flag followed by a stray argument, so it is refused with a pointer to `--json-file`.
 */
function labArgs (argv: string[]): string[] {
  const args: string[] = []
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--json') {
      args.push(argv[i])
      continue
    }
    const next = argv[i + 1]
    if (next != null && !next.startsWith('-')) {
      throw new CliError(`--json takes no value here; write the report file with --json-file ${next}`, ExitCode.usage)
    }
  }
  return args
}

function parse (args: string[]): CliOptions {
  try {
    return parseCli(args)
  } catch (err) {
    throw new CliError(`${errorMessage(err)} (see swapwright lab --help)`, ExitCode.usage, { cause: err })
  }
}

/** An unknown scenario or strategy set is a usage error; a report file that cannot be written, a file error. */
function labError (err: unknown, options: CliOptions, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason
  if (err instanceof RangeError) return new CliError(err.message, ExitCode.usage, { cause: err })
  const { syscall, path } = err as { syscall?: unknown, path?: unknown }
  if (typeof syscall !== 'string') return err
  // a failed write names no path: the report files are the only files the lab writes
  const files = [options.json, options.html].filter(f => f != null).join(' or ')
  return fileError(err, typeof path === 'string' ? path : files)
}
