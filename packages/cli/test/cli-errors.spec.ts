import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CLI, finished, Running, swapwright, type RunResult } from './cli-helpers.js'

/** Linux's always-full device: every write to it fails with ENOSPC. */
const FULL_DEVICE = '/dev/full'
/** A tmpfs this small cannot hold one block of the served file (1 MiB chunks), so the first write fails. */
const TINY_FS_SIZE = '128k'
/** Seconds without a block before get gives up: a fetch that stalls fails the test instead of hanging it. */
const IDLE_TIMEOUT = '20'

/** Fails (never skips) when the machine lacks what the full-disk tests need. */
function requireFullDevice (): void {
  assert.equal(process.platform, 'linux', `the full-disk tests need Linux's ${FULL_DEVICE}`)
  assert.ok(existsSync(FULL_DEVICE) && statSync(FULL_DEVICE).isCharacterDevice(), `${FULL_DEVICE} is missing: it must be a character device that refuses every write with ENOSPC`)
}

/**
 * Runs the command with its repository on a real, tiny, full-up filesystem: a tmpfs mounted over `mountpoint` in
 * a fresh user and mount namespace (no root on the host needed; the mount vanishes with the process). The
 * network namespace is the host's, so 127.0.0.1 reaches the test's server.
 */
async function swapwrightOnTinyFs (mountpoint: string, args: string[], cwd: string): Promise<RunResult> {
  const script = `mount -t tmpfs -o size=${TINY_FS_SIZE} swapwright-full "$0" && exec "$@"`
  return finished(spawn('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script, mountpoint, process.execPath, CLI, ...args],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] }))
}

describe('get on a full disk: exit code 5 and a clear message', () => {
  let work: string
  let server: Running
  let address: string
  let root: string

  before(async () => {
    requireFullDevice()
    work = await mkdtemp(join(tmpdir(), 'swapwright-cli-errors-'))
    await writeFile(join(work, 'file.bin'), randomBytes(4 * 1024 * 1024 + 321))
    server = new Running(['serve', 'file.bin', '--repo', 'server-repo', '--listen', '/ip4/127.0.0.1/tcp/0', '--json'], work)
    address = (await server.next('listening')).address
    root = (await server.next('serving')).cid
    await server.next('ready')
  })

  after(async () => {
    // nothing was started when the machine check failed
    if (server == null) return
    assert.equal(await server.stop(), 0, 'serve shuts down cleanly')
    await rm(work, { recursive: true, force: true })
  })

  it(`writing the output to ${FULL_DEVICE} fails with 5, and the fetched blocks stay in the repository`, async () => {
    const full = await swapwright(['get', root, '--peer', address, '-o', FULL_DEVICE, '--repo', 'kept', '--idle-timeout', IDLE_TIMEOUT, '--json'], work)
    assert.equal(full.code, 5, full.stdout + full.stderr)
    const error = full.events.find(e => e.event === 'error')
    assert.match(error?.message, /disk is full/i)
    assert.match(error?.message, /\/dev\/full/)
    assert.equal(error?.code, 5)
    assert.ok(!full.events.some(e => e.event === 'done'))
    // Without --json the same failure is one line on stderr.
    const plain = await swapwright(['get', root, '--peer', address, '-o', FULL_DEVICE, '--repo', 'kept', '--idle-timeout', IDLE_TIMEOUT], work)
    assert.equal(plain.code, 5)
    assert.match(plain.stderr, /^swapwright: The disk is full while writing \/dev\/full$/m)

    const again = await swapwright(['get', root, '--peer', address, '-o', 'file.out', '--repo', 'kept', '--idle-timeout', IDLE_TIMEOUT, '--json'], work)
    assert.equal(again.code, 0, again.stdout + again.stderr)
    const done = again.events.find(e => e.event === 'done')
    assert.ok(done?.blocks > 1, `a multi-block file: ${done?.blocks} blocks`)
    assert.equal(done?.received, 0, 'every block was already in the repository: nothing came over the network')
    assert.deepEqual(await readFile(join(work, 'file.out')), await readFile(join(work, 'file.bin')))
  })

  it('a repository whose disk fills up stops the fetch with 5', async () => {
    const probe = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'true'])
    assert.equal(probe.status, 0, `this test mounts a tiny tmpfs in a user namespace, which needs unshare(1) and unprivileged user namespaces: ${String(probe.error ?? probe.stderr)}`)
    await mkdir(join(work, 'tiny-repo'))
    const result = await swapwrightOnTinyFs('tiny-repo', ['get', root, '--peer', address, '-o', 'never.out', '--repo', 'tiny-repo', '--idle-timeout', IDLE_TIMEOUT, '--json'], work)
    assert.equal(result.code, 5, result.stdout + result.stderr)
    const error = result.events.find(e => e.event === 'error')
    assert.match(error?.message, /disk is full: cannot store blocks in the repository .*tiny-repo/)
    assert.equal(existsSync(join(work, 'never.out')), false, 'nothing is written out from a repository that lacks blocks')
  })
})
