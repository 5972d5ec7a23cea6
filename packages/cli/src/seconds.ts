import { CliError, ExitCode } from './errors.js'

/** A command-line number of seconds, in ms; anything but a positive number is a usage error naming the option. */
export function seconds (value: string, name: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${name} must be a positive number of seconds`, ExitCode.usage)
  return n * 1000
}
