import type { Output } from './output.js'

/** One subcommand of `swapwright`. */
export interface Command {
  name: string
  summary: string
  /** Full help text shown by `swapwright <name> --help`. */
  help: string
  run: (argv: string[], output: Output, signal: AbortSignal) => Promise<void>
}
