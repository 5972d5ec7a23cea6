import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { LAUNCHER, servingPid, startServe } from './util/cli-process.js'

/*
 * `serve` started as users start it (the launcher npm links, with its `#!` flags) runs in a process of its own with
 * the garbage collector settings a server needs: V8 takes them only at start, so nothing inside the command could
 * set them later. Read from the serving process's command line (Linux's /proc).
 */
describe('serve through the launcher', { skip: process.platform !== 'linux' }, () => {
  let dir: string
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'swapwright-serve-launcher-')) })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('serves in a child process with a 16 MiB young generation and outside memory counted in the heap limit', async () => {
    const { server } = await startServe(['--repo', join(dir, 'repo')], dir, { cli: LAUNCHER })
    try {
      const launcher = server.child.pid as number
      const pid = await servingPid(launcher)
      assert.notEqual(pid, launcher, 'the launcher runs serve as a child process')
      const flags = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')
      assert.ok(flags.includes('--max-semi-space-size=16'), flags.join(' '))
      // the launcher gives the flag from Node 24 on (an older Node may not know it); this Node runs the child
      const major = Number(process.versions.node.split('.')[0])
      assert.equal(flags.includes('--external-memory-accounted-in-global-limit'), major >= 24, flags.join(' '))
      assert.ok(!flags.includes('--max-semi-space-size=1'), 'not the get\'s young generation')
    } finally {
      await server.stop()
    }
  })
})
