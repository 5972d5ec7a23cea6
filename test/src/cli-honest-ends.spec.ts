import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { MemoryBlockstore } from '@swapwright/stores'
import { importBytes } from 'ipfs-unixfs-importer'
import { libp2pNetwork } from '@swapwright/transports'
import { CLI } from './util/cli-process.js'
import { addressesOf } from './util/libp2p-node.js'
import { startSwapwright } from './util/swapwright-node.js'
import type { AbortOptions } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

/** A store that serves `limit` reads and then holds every further read until released: a transfer caught mid-way. */
class StallingBlockstore extends MemoryBlockstore {
  private reads = 0
  private release: () => void = () => {}
  private readonly gate = new Promise<void>(resolve => { this.release = resolve })

  constructor (private readonly limit: number) {
    super()
  }

  override async * get (key: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    if (++this.reads > this.limit) await this.gate
    yield * super.get(key, options)
  }

  open (): void {
    this.release()
  }
}

/** Runs `swapwright get` in its own process; `onOutput` sees stdout as it grows. */
function runGet (args: string[], cwd: string, onOutput: (stdout: string) => void = () => {}): { child: ReturnType<typeof spawn>, done: Promise<{ code: number | null, output: string }> } {
  const child = spawn(process.execPath, [CLI, 'get', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', chunk => { stderr += String(chunk) })
  child.stdout.on('data', chunk => {
    stdout += String(chunk)
    onOutput(stdout)
  })
  const done = (once(child, 'exit') as Promise<[number | null]>).then(([code]) => ({ code, output: stderr + stdout }))
  return { child, done }
}

describe('swapwright get: honest ends', { timeout: 120_000 }, () => {
  let work: string

  before(async () => { work = await mkdtemp(join(tmpdir(), 'swapwright-honest-ends-')) })
  after(async () => { await rm(work, { recursive: true, force: true }) })

  it('the only peer dies mid-transfer: exit 4 naming the lost peer, not an idle timeout', async () => {
    const store = new StallingBlockstore(12)
    const seed = await startSwapwright({ store })
    let child: ReturnType<typeof spawn> | undefined
    try {
      const { cid: root } = await importBytes(randomBytes(8 * 1024 * 1024), {
        put: async (cid: CID, bytes: Uint8Array) => { await MemoryBlockstore.prototype.put.call(store, cid, bytes); return cid }
      })
      const address = addressesOf(seed.libp2p).find(a => a.startsWith('/ip4/127.0.0.1/tcp/')) ?? ''
      // An idle timeout far longer than the test's own: only the lost-peer path can end the command in time.
      let progressed: () => void = () => {}
      const progress = new Promise<void>(resolve => { progressed = resolve })
      const run = runGet([root.toString(), '--peer', address, '-o', 'out', '--repo', 'repo', '--idle-timeout', '600', '--json'], work,
        stdout => { if (stdout.includes('"event":"progress"')) progressed() })
      child = run.child
      await progress
      // Killed as a crash kills it: every connection reset, then the node gone.
      for (const connection of seed.libp2p.getConnections()) connection.abort(new Error('killed by the test'))
      await seed.libp2p.stop()
      const { code, output } = await run.done
      assert.equal(code, 4, output)
      assert.match(output, new RegExp(`Lost the connection to peer ${seed.key}`))
    } finally {
      if (child?.exitCode == null) child?.kill()
      store.open()
      await seed.stop()
    }
  })

  it('the only peer speaks Bitswap 1.0.0 and the leaves are CIDv1: exit 4 at once, saying why', async () => {
    const seed = await startSwapwright({ network: libp2p => libp2pNetwork(libp2p, { protocols: ['/ipfs/bitswap/1.0.0'] }) })
    let child: ReturnType<typeof spawn> | undefined
    try {
      const { cid: root } = await importBytes(randomBytes(300_000), seed.store)
      assert.equal(root.version, 1, 'a CIDv1 dag-pb root (it has a CIDv0 twin) over CIDv1 raw leaves (they have none)')
      const address = addressesOf(seed.libp2p).find(a => a.startsWith('/ip4/127.0.0.1/tcp/')) ?? ''
      const run = runGet([root.toString(), '--peer', address, '-o', 'out-old', '--repo', 'repo-old', '--idle-timeout', '600', '--json'], work)
      child = run.child
      const { code, output } = await run.done
      assert.equal(code, 4, output)
      assert.match(output, new RegExp(`${seed.key} speaks only Bitswap 1\\.0\\.0, which cannot carry \\w+`))
    } finally {
      if (child?.exitCode == null) child?.kill()
      await seed.stop()
    }
  })
})
