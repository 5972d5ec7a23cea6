// The errors alone: the whole of core is not needed to print help or a usage error
import { errorMessage } from '@swapwright/core/errors'

/** Exit codes of the swapwright command; scripts can rely on them. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  unreachable: 4,
  diskFull: 5,
  interrupted: 130
} as const

/** A failure the command reports as one clear line and a specific exit code. */
export class CliError extends Error {
  readonly exitCode: number
  /** More for scripts: fields of the `--json` error event (e.g. the phase a fetch failed in, and its peers). */
  details?: Record<string, unknown>
  /** More for people: lines printed under the message. */
  notes?: string[]
  constructor (message: string, exitCode: number = ExitCode.failure, options?: ErrorOptions) {
    super(message, options)
    this.name = 'CliError'
    this.exitCode = exitCode
  }
}

/** Turns an operating-system error about `path` into a CliError a person can act on. */
export function fileError (err: unknown, path: string): CliError {
  const code = (err as { code?: string }).code
  if (code === 'ENOENT') return new CliError(`No such file or directory: ${path}`, ExitCode.notFound, { cause: err })
  if (code === 'ENOSPC') return new CliError(`The disk is full while writing ${path}`, ExitCode.diskFull, { cause: err })
  if (code === 'EACCES' || code === 'EPERM') return new CliError(`Permission denied: ${path}`, ExitCode.failure, { cause: err })
  return new CliError(`${path}: ${errorMessage(err)}`, ExitCode.failure, { cause: err })
}
