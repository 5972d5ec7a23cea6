/**
 * The swapwright command run as a person runs it: its own process, with the Node flags of its `#!` line, and
 * its `--json` events read from stdout. Shared by the tests and the benches that drive the command.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** The command as built by `npm run build` (this file runs from test/dist/src/util). */
export const CLI = fileURLToPath(new URL('../../../../packages/cli/dist/src/cli.js', import.meta.url))
/**
 * The command as a user starts it: the launcher npm links as `swapwright`, which runs the bundle that `npm run
 * build` makes (or the compiled modules when a compile is newer). Benches time this one.
 */
export const LAUNCHER = fileURLToPath(new URL('../../../../packages/cli/bin/swapwright.js', import.meta.url))

/** The Node flags the command's `#!/usr/bin/env -S node ...` line starts it with. */
export async function nodeFlags (): Promise<string[]> {
  const first = (await readFile(CLI, 'utf8')).split('\n', 1)[0]
  const words = first.replace(/^#!\s*/, '').split(/\s+/)
  const node = words.findIndex(word => word === 'node' || word.endsWith('/node'))
  return node < 0 ? [] : words.slice(node + 1)
}

/**
 * Bounds that only turn a hang into a failing test, far beyond what any step takes on a loaded machine: a whole
 * run of a command that ends by itself (as long as a Kubo suite's own bound: a 1 GiB get crawls at a few MB/s on
 * an overloaded 2-core machine), one awaited JSON event of a running command, and the time a command stopped
 * with SIGINT gets before it is killed.
 */
const RUN_TIMEOUT_MS = 600_000
const EVENT_TIMEOUT_MS = 120_000
const STOP_GRACE_MS = 10_000

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  events: Array<Record<string, any>>
}

/** Runs the command to the end; `--json` events (lines starting with `{`) are parsed. */
export async function runCli (args: string[], cwd: string, cli = CLI): Promise<CliRun> {
  const child = spawn(process.execPath, [...await nodeFlags(), cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => { stdout += String(chunk) })
  child.stderr.on('data', chunk => { stderr += String(chunk) })
  let killed = false
  const timer = setTimeout(() => {
    killed = true
    child.kill('SIGKILL')
  }, RUN_TIMEOUT_MS)
  const [code] = await once(child, 'close') as [number | null]
  clearTimeout(timer)
  if (killed) stderr += `\n(the test killed swapwright ${args.join(' ')}: it had not ended after ${RUN_TIMEOUT_MS} ms)`
  const events = stdout.split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line))
  return { code, stdout, stderr, events }
}

/**
 * The JSON events of a running command, each awaited by name (the first event of that name), also after it
 * exited: an event is missing only once its output has been read to the end (a process may exit before its
 * last lines are read, e.g. the `stopped` summary).
 */
export function cliEvents (child: ChildProcess): (name: string) => Promise<Record<string, any>> {
  const seen: Array<Record<string, any>> = []
  const waiting: Array<() => void> = []
  const lines = createInterface({ input: child.stdout! })
  let ended = false
  const done = (): void => { ended = true }
  const end = once(lines, 'close').then(done, done)
  lines.on('line', line => {
    if (line.startsWith('{')) seen.push(JSON.parse(line))
    for (const wake of waiting.splice(0)) wake()
  })
  return async (name) => {
    const deadline = Date.now() + EVENT_TIMEOUT_MS
    for (;;) {
      const found = seen.find(e => e.event === name)
      if (found != null) return found
      if (ended) throw new Error(`swapwright ended (exit code ${child.exitCode}) before "${name}"`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`swapwright gave no "${name}" event within ${EVENT_TIMEOUT_MS} ms; it printed ${JSON.stringify(seen.map(e => e.event))}`)
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        new Promise<void>(resolve => { waiting.push(resolve) }),
        end,
        new Promise<void>(resolve => { timer = setTimeout(resolve, left) })
      ])
      clearTimeout(timer)
    }
  }
}

/** A long-running command (`serve`): started, its events awaited by name, stopped with SIGINT as Ctrl-C does. */
export interface CliProcess {
  child: ChildProcess
  next: (name: string) => Promise<Record<string, any>>
  stop: () => Promise<void>
}

export interface StartCliOptions {
  /** The command's entry (default `CLI`; benches start `LAUNCHER`, or another build). */
  cli?: string
  /** Node flags (default the command's own, `nodeFlags()`). */
  flags?: string[]
  stderr?: 'inherit' | 'ignore'
}

export async function startCli (args: string[], cwd: string, { cli = CLI, flags, stderr = 'inherit' }: StartCliOptions = {}): Promise<CliProcess> {
  const child = spawn(process.execPath, [...flags ?? await nodeFlags(), cli, ...args], { cwd, stdio: ['ignore', 'pipe', stderr] })
  return {
    child,
    next: cliEvents(child),
    stop: async () => {
      if (child.exitCode != null || child.signalCode != null) return
      const exited = once(child, 'exit')
      child.kill('SIGINT')
      // One that does not stop on Ctrl-C is killed, so stopping never hangs the test (its own assertions say more).
      const kill = setTimeout(() => { child.kill('SIGKILL') }, STOP_GRACE_MS)
      await exited
      clearTimeout(kill)
    }
  }
}

/**
 * `swapwright serve --json` with `args` on 127.0.0.1 (a port the system picks), once it is ready: the process (its
 * other events, `serving` among them, can still be awaited) and the address it listens on.
 */
export async function startServe (args: string[], cwd: string, options?: StartCliOptions): Promise<{ server: CliProcess, address: string }> {
  const server = await startCli(['serve', ...args, '--listen', '/ip4/127.0.0.1/tcp/0', '--json'], cwd, options)
  const { address } = await server.next('listening')
  await server.next('ready')
  return { server, address: address as string }
}

/**
 * The process that does the serving: the launcher runs `serve` as a child process of its own (with V8 flags of its
 * own), and the launcher itself only waits; a build started without the launcher serves in its own process.
 */
export async function servingPid (pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).trim().split(/\s+/).filter(Boolean)
  return children.length === 1 ? Number(children[0]) : pid
}
