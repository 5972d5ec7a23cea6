import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { fileURLToPath } from 'node:url'

export const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url))

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  events: Array<Record<string, any>>
}

/** Runs the command to completion, as a user would from a shell. */
export async function swapwright (args: string[], cwd: string): Promise<RunResult> {
  return finished(spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] }))
}

/** Collects a command's output until it exits (stdout and stderr must be pipes). */
export async function finished (child: ChildProcess): Promise<RunResult> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', chunk => { stdout += String(chunk) })
  child.stderr?.on('data', chunk => { stderr += String(chunk) })
  const [code] = await once(child, 'exit') as [number | null]
  return { code, stdout, stderr, events: parseEvents(stdout) }
}

/** A long-running command (serve, a get to interrupt) whose JSON events can be awaited one by one. */
export class Running {
  readonly child: ChildProcess
  readonly events: Array<Record<string, any>> = []
  private buffer = ''
  private readonly waiters: Array<() => void> = []

  /** Runs this clone's build on this Node, or with `command` an installed `swapwright` found through `env`. */
  constructor (args: string[], cwd: string, installed?: { command: string, env: NodeJS.ProcessEnv }) {
    this.child = installed == null
      ? spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(installed.command, args, { cwd, env: installed.env, stdio: ['ignore', 'pipe', 'pipe'] })
    this.child.stdout?.on('data', chunk => {
      this.buffer += String(chunk)
      const lines = this.buffer.split('\n')
      this.buffer = lines.pop() ?? ''
      for (const line of lines) if (line.trim() !== '') this.events.push(JSON.parse(line))
      for (const wake of this.waiters.splice(0)) wake()
    })
  }

  /** Resolves with the first event named `name`; rejects if the process exits first. */
  async next (name: string): Promise<Record<string, any>> {
    for (;;) {
      const found = this.events.find(e => e.event === name)
      if (found != null) return found
      if (this.child.exitCode != null) throw new Error(`exited (${this.child.exitCode}) before "${name}": ${JSON.stringify(this.events)}`)
      await Promise.race([
        new Promise<void>(resolve => { this.waiters.push(resolve) }),
        once(this.child, 'exit')
      ])
    }
  }

  async stop (signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (this.child.exitCode != null) return this.child.exitCode
    // ended by a signal already: 'exit' has fired and will not again
    if (this.child.signalCode != null) return null
    this.child.kill(signal)
    const [code] = await once(this.child, 'exit') as [number | null]
    return code
  }
}

function parseEvents (stdout: string): Array<Record<string, any>> {
  return stdout.split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line))
}

/** A `serve` on 127.0.0.1 (port chosen by the system) that is ready, with its address and its first root's CID. */
export interface Served {
  server: Running
  address: string
  /** The root of the first path served (undefined when no path was given). */
  root: string
}

export async function serveOnLoopback (args: string[], cwd: string): Promise<Served> {
  const server = new Running(['serve', ...args, '--listen', '/ip4/127.0.0.1/tcp/0', '--json'], cwd)
  const address = (await server.next('listening')).address as string
  await server.next('ready')
  return { server, address, root: server.events.find(e => e.event === 'serving')?.cid }
}

/** A suite's own folder and the `serve` it runs there (see `useServedFolder`). */
export interface ServedFolder extends Served {
  work: string
}

/**
 * Inside `describe`: before its tests, a fresh folder named from `prefix`, filled by `fill`, and `serve` of
 * `serveArgs` started there on 127.0.0.1 and ready; after them, serve must stop cleanly (exit 0) and the folder
 * is removed. The fields are set once the suite's `before` has run.
 */
export function useServedFolder (prefix: string, fill: (work: string) => Promise<void>, serveArgs: string[]): ServedFolder {
  const served = {} as ServedFolder
  before(async () => {
    served.work = await mkdtemp(join(tmpdir(), prefix))
    await fill(served.work)
    Object.assign(served, await serveOnLoopback(serveArgs, served.work))
  })
  after(async () => {
    assert.equal(await served.server.stop(), 0, 'serve shuts down cleanly')
    await rm(served.work, { recursive: true, force: true })
  })
  return served
}
