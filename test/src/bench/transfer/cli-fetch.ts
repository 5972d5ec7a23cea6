/**
 * The memory a person sees: `swapwright serve` in one process and `swapwright get` in another, over 127.0.0.1,
 * moving a file of random bytes. Both run the installed command's way, with the Node flags of its `#!` line.
 * The get reports its own peak resident memory (from the OS) in its summary.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { once } from 'node:events'
import { open, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('../../../../../packages/cli/dist/src/cli.js', import.meta.url))

export interface CliFetchResult {
  ms: number
  bytes: number
  peakMemoryBytes: number
}

/** The Node flags the command's `#!/usr/bin/env -S node ...` line starts it with. */
async function nodeFlags (): Promise<string[]> {
  const first = (await readFile(CLI, 'utf8')).split('\n', 1)[0]
  const words = first.replace(/^#!\s*/, '').split(/\s+/)
  const node = words.findIndex(word => word === 'node' || word.endsWith('/node'))
  return node < 0 ? [] : words.slice(node + 1)
}

/** The JSON events of a running command, each awaited by name. */
function events (child: ChildProcess): (name: string) => Promise<Record<string, any>> {
  const seen: Array<Record<string, any>> = []
  const waiting: Array<() => void> = []
  const exited = once(child, 'exit')
  exited.catch(() => {}) // a spawn error surfaces where the command's exit is awaited
  createInterface({ input: child.stdout! }).on('line', line => {
    if (line.startsWith('{')) seen.push(JSON.parse(line))
    for (const wake of waiting.splice(0)) wake()
  })
  return async (name) => {
    for (;;) {
      const found = seen.find(e => e.event === name)
      if (found != null) return found
      if (child.exitCode != null) throw new Error(`swapwright exited (${child.exitCode}) before "${name}"`)
      await Promise.race([new Promise<void>(resolve => { waiting.push(resolve) }), exited])
    }
  }
}

export async function cliFetch (megabytes: number): Promise<CliFetchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'swapwright-cli-fetch-'))
  const flags = await nodeFlags()
  const run = (args: string[]): ChildProcess =>
    spawn(process.execPath, [...flags, CLI, ...args, '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] })
  let server: ChildProcess | undefined
  try {
    const file = await open(join(dir, 'file.bin'), 'w')
    const chunk = Buffer.allocUnsafe(1024 * 1024)
    for (let i = 0; i < megabytes; i++) await file.write(randomFillSync(chunk))
    await file.close()

    server = run(['serve', 'file.bin', '--listen', '/ip4/127.0.0.1/tcp/0', '--repo', 'serve-repo'])
    const next = events(server)
    const { address } = await next('listening')
    const { cid } = await next('serving')
    await next('ready')

    const started = performance.now()
    const get = run(['get', cid, '--peer', address, '--repo', 'get-repo', '-o', 'out.bin'])
    const done = events(get)('done')
    const [code] = await once(get, 'exit') as [number | null]
    if (code !== 0) throw new Error(`swapwright get exited with ${code}`)
    const summary = await done
    return { ms: performance.now() - started, bytes: summary.bytes, peakMemoryBytes: summary.peakMemoryBytes }
  } finally {
    server?.kill('SIGINT')
    if (server != null && server.exitCode == null) await once(server, 'exit')
    await rm(dir, { recursive: true, force: true })
  }
}
