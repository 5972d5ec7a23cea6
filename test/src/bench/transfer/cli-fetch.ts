/**
 * The memory a person sees: `swapwright serve` in one process and `swapwright get` in another, over 127.0.0.1,
 * moving a file of random bytes. Both run the installed command's way, with the Node flags of its `#!` line.
 * The get reports its own peak resident memory (from the OS) in its summary.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { once } from 'node:events'
import { open, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI, cliEvents as events, nodeFlags, startServe, type CliProcess } from '../../util/cli-process.js'

export interface CliFetchResult {
  ms: number
  bytes: number
  blocks: number
  peakMemoryBytes: number
}

/**
 * `chunkSize`: the file is added with `add --chunk-size` first and served from that repository (default: `serve`
 * adds it itself, in 1 MiB chunks).
 */
export async function cliFetch (megabytes: number, chunkSize?: number): Promise<CliFetchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'swapwright-cli-fetch-'))
  const flags = await nodeFlags()
  const run = (args: string[]): ChildProcess =>
    spawn(process.execPath, [...flags, CLI, ...args, '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] })
  let server: CliProcess | undefined
  try {
    const file = await open(join(dir, 'file.bin'), 'w')
    const chunk = Buffer.allocUnsafe(1024 * 1024)
    for (let i = 0; i < megabytes; i++) await file.write(randomFillSync(chunk))
    await file.close()

    let cid: string | undefined
    if (chunkSize != null) {
      const add = run(['add', 'file.bin', '--chunk-size', String(chunkSize), '--repo', 'serve-repo'])
      const added = events(add)('added')
      const [code] = await once(add, 'exit') as [number | null]
      if (code !== 0) throw new Error(`swapwright add exited with ${code}`)
      cid = (await added).cid
    }
    const served = await startServe([...(cid == null ? ['file.bin'] : []), '--repo', 'serve-repo'], dir, { flags })
    server = served.server
    const address = served.address
    cid ??= (await server.next('serving')).cid as string

    const started = performance.now()
    const get = run(['get', cid, '--peer', address, '--repo', 'get-repo', '-o', 'out.bin'])
    const done = events(get)('done')
    const [code] = await once(get, 'exit') as [number | null]
    if (code !== 0) throw new Error(`swapwright get exited with ${code}`)
    const summary = await done
    return { ms: performance.now() - started, bytes: summary.bytes, blocks: summary.blocks, peakMemoryBytes: summary.peakMemoryBytes }
  } finally {
    await server?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}
