import type { Output } from './output.js'

/** One subcommand of `swapwright`. */
export interface Command {
  name: string
  /** Full help text shown by `swapwright <name> --help`. */
  help: string
  run: (argv: string[], output: Output, signal: AbortSignal) => Promise<void>
}

/**
 * A subcommand as `swapwright --help` lists it. Its code is loaded only when it runs (or shows its own help):
 * the command at hand loads what it needs and nothing else, so the process starts quickly.
 */
export interface CommandEntry {
  name: string
  summary: string
  load: () => Promise<Command>
}
