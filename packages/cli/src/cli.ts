#!/usr/bin/env -S node --max-semi-space-size=1
// The flag above caps V8's young generation at 1 MiB. Received data passes through many short-lived buffers;
// collected sooner, they cost a 256 MiB get about 45 MiB less peak memory (183 MiB instead of about 230, median
// of six runs) for about 8% of its speed. The launcher (bin/swapwright.js) and the npm scripts pass it too.
import { enableCompileCache } from 'node:module'
// The errors alone: the whole of core is not needed to print help or a usage error
import { errorMessage } from '@swapwright/core/errors'
import { CliError, ExitCode } from './errors.js'
import { Output } from './output.js'
import { EXIT_GRACE, EXIT_PIPE_CLOSED } from './constants.js'
import { commands } from './commands/index.js'

const USAGE = `Usage: swapwright <command> [options]

Commands:
${commands.map(c => `  ${c.name.padEnd(8)} ${c.summary}`).join('\n')}

Run swapwright <command> --help for a command's options. Every command takes --json.
swapwright --version prints the version.`

async function main (argv: string[], output: Output): Promise<number> {
  const [name, ...rest] = argv
  if (name === '--version' || name === '-v' || name === 'version') {
    const version = await commandVersion()
    output.event('version', { version, node: process.versions.node }, `swapwright ${version}`)
    return ExitCode.ok
  }
  if (name == null || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n')
    return name == null ? ExitCode.usage : ExitCode.ok
  }
  const entry = commands.find(c => c.name === name)
  if (entry == null) {
    output.error(`unknown command "${name}"\n\n${USAGE}`)
    return ExitCode.usage
  }
  const command = await entry.load()
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help + '\n')
    return ExitCode.ok
  }
  const controller = new AbortController()
  const interrupt = (): void => { controller.abort(new CliError('interrupted', ExitCode.interrupted)) }
  process.once('SIGINT', interrupt)
  process.once('SIGTERM', interrupt)
  try {
    await command.run(rest, output, controller.signal)
    return ExitCode.ok
  } catch (err) {
    const failure = err instanceof CliError ? err : toCliError(err, controller.signal)
    output.error(failure.message, { code: failure.exitCode, ...failure.details }, failure.notes)
    return failure.exitCode
  } finally {
    process.off('SIGINT', interrupt)
    process.off('SIGTERM', interrupt)
  }
}

/**
 * The version of the installed @swapwright/cli, from its package.json. node:fs is imported here, not above: an
 * import of it makes fs.promises, which loads the promise API's streams and readline, a cost for every other start.
 */
async function commandVersion (): Promise<string> {
  const { readFile } = await import('node:fs/promises')
  return (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
}

function toCliError (err: unknown, signal: AbortSignal): CliError {
  if (signal.aborted && signal.reason instanceof CliError) return signal.reason
  const code = (err as { code?: string }).code
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return new CliError(errorMessage(err), ExitCode.usage)
  }
  return new CliError(errorMessage(err), ExitCode.failure, { cause: err })
}

// Compiled code of the modules a command loads is kept on disk (in the system's temporary folder) and reused by
// the next start. This module's own imports are a few small files; each command's are loaded after this line.
enableCompileCache()
const argv = process.argv.slice(2)
const output = new Output(argv.includes('--json'))
let finished = false
// Every exit says why. An exit before the command finished means Node found nothing left to run while the
// command still waited (a promise no event will ever settle): without this it would end silently with code 13.
process.on('exit', code => {
  if (!finished) output.error(`stopped before finishing: nothing was left to wait for (exit code ${code})`, { code })
})
// A reader that went away (`swapwright get --json | head -1`) ends the command quietly, as a closed pipe ends
// any Unix command: no stack trace, the shell's code for SIGPIPE.
process.stdout.on('error', err => {
  if ((err as { code?: string }).code !== 'EPIPE') throw err
  finished = true
  process.exit(EXIT_PIPE_CLOSED)
})
process.on('uncaughtException', err => {
  output.error(`internal error: ${err.stack ?? err.message}`, { code: ExitCode.failure })
  finished = true
  process.exit(ExitCode.failure)
})
const code = await main(argv, output)
finished = true
process.exitCode = code
// Once main has returned the command's work is done: its node is stopped and every file it wrote is closed. What
// may still hold the process is not ours to wait for: libp2p's address manager, for one, schedules a peer-store
// update one second after its listeners close and never cancels it (serve lingered 1.1 s after "stopped"), and
// sockets a timed-out stop left open. So the command ends as soon as its output has been handed to stdout and
// stderr; a reader that never takes it gets EXIT_GRACE before the process ends anyway.
setTimeout(() => { process.exit(code) }, EXIT_GRACE).unref()
await Promise.all([flushed(process.stdout), flushed(process.stderr)])
process.exit(code)

/** Resolves once everything written to `stream` so far has been handed to the system. */
async function flushed (stream: NodeJS.WriteStream): Promise<void> {
  await new Promise<void>(resolve => { stream.write('', () => { resolve() }) })
}
