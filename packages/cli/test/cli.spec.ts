import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Running, swapwright } from './cli-helpers.js'

describe('the swapwright command', () => {
  let work: string
  let server: Running
  let address: string
  const roots: Record<string, string> = {}

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'swapwright-cli-'))
    await writeFile(join(work, 'big.bin'), randomBytes(20 * 1024 * 1024))
    await mkdir(join(work, 'tree', 'nested', 'deeper'), { recursive: true })
    await writeFile(join(work, 'tree', 'a.txt'), 'first file\n')
    await writeFile(join(work, 'tree', 'nested', 'b.bin'), randomBytes(3 * 1024 * 1024 + 17))
    await writeFile(join(work, 'tree', 'nested', 'deeper', 'c.txt'), '')
    server = new Running(['serve', 'big.bin', 'tree', '--repo', 'server-repo', '--listen', '/ip4/127.0.0.1/tcp/0', '--json'], work)
    address = (await server.next('listening')).address
    await server.next('ready')
    for (const event of server.events.filter(e => e.event === 'serving')) roots[event.path] = event.cid
  })

  after(async () => {
    const code = await server.stop()
    assert.equal(code, 0, 'serve shuts down cleanly on Ctrl-C')
    assert.ok(server.events.some(e => e.event === 'stopped'))
    await rm(work, { recursive: true, force: true })
  })

  it('serve in one process and get in another reproduce a 20 MiB file byte-exact', async () => {
    const result = await swapwright(['get', roots['big.bin'], '--peer', address, '--repo', 'fetch-1', '-o', 'big.out', '--json'], work)
    assert.equal(result.code, 0, result.stderr + result.stdout)
    assert.deepEqual(await readFile(join(work, 'big.out')), await readFile(join(work, 'big.bin')))
    const done = result.events.find(e => e.event === 'done')
    // Block bytes: the 20 MiB of content plus the UnixFS nodes that link it.
    assert.ok(done?.bytes > 20 * 1024 * 1024 && done?.bytes < 20 * 1024 * 1024 + 64 * 1024, `summary bytes ${done?.bytes}`)
    assert.ok(done?.blocks > 20, `summary blocks ${done?.blocks}`)
    assert.ok(done?.megabytesPerSecond > 0 && done?.seconds > 0)
    assert.equal(done?.duplicates, 0)
    // The process's own high-water mark, from the OS: at least the node's code and a block or two.
    assert.ok(done?.peakMemoryBytes > 32 * 1024 * 1024 && done?.peakMemoryBytes < 4 * 1024 ** 3, `peak memory ${done?.peakMemoryBytes}`)
    // The start-up's CPU time: some, and never more than the process can have used while it waited for that want
    // (one thread runs the command; the collector's helpers may add a little, so not bounded by the wall time)
    assert.ok(done?.firstWantCpuMs > 0 && done?.firstWantCpuMs < done?.firstWantMs * 2, `first want at ${done?.firstWantMs} ms, ${done?.firstWantCpuMs} ms of CPU`)
  })

  it('reproduces a directory tree byte-exact', async () => {
    const result = await swapwright(['get', roots.tree, '--peer', address, '--repo', 'fetch-2', '-o', 'tree.out'], work)
    assert.equal(result.code, 0, result.stderr)
    for (const file of ['a.txt', 'nested/b.bin', 'nested/deeper/c.txt']) {
      assert.deepEqual(await readFile(join(work, 'tree.out', file)), await readFile(join(work, 'tree', file)), file)
    }
    assert.match(result.stdout, /fetched .* DAG in \d+ blocks\)? in [\d.]+ s, [\d.]+ [KMG]?i?B\/s, \d+ duplicates/)
  })

  it('an interrupted get keeps its blocks, and running it again resumes', async () => {
    const first = new Running(['get', roots['big.bin'], '--peer', address, '--repo', 'fetch-3', '-o', 'resumed.out', '--json'], work)
    await first.next('progress')
    const code = await first.stop('SIGINT')
    if (code === 0) {
      // The whole file arrived before the interrupt landed: nothing left to prove about resuming.
      assert.ok(first.events.some(e => e.event === 'done'))
    } else {
      assert.equal(code, 130)
      assert.ok(first.events.some(e => e.event === 'error' && /resume/.test(e.message)))
    }
    const second = await swapwright(['get', roots['big.bin'], '--peer', address, '--repo', 'fetch-3', '-o', 'resumed.out', '--json'], work)
    assert.equal(second.code, 0, second.stderr)
    const done = second.events.find(e => e.event === 'done')
    assert.ok(done?.received < done?.blocks, `the second run fetched ${done?.received} of ${done?.blocks} blocks over the network`)
    assert.deepEqual(await readFile(join(work, 'resumed.out')), await readFile(join(work, 'big.bin')))
  })

  it('add prints the root CID, the same one serve announced', async () => {
    const result = await swapwright(['add', 'big.bin', '--repo', 'add-repo', '--json'], work)
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.events[0].cid, roots['big.bin'])
  })

  describe('errors: a clear message and a specific exit code', () => {
    it('a bad CID: 2', async () => {
      const result = await swapwright(['get', 'not-a-cid', '--peer', address, '--repo', 'e1'], work)
      assert.equal(result.code, 2)
      assert.match(result.stderr, /Not a valid CID: not-a-cid/)
    })

    it('an unreachable peer: 4', async () => {
      const peerId = address.split('/p2p/')[1]
      const result = await swapwright(['get', roots['big.bin'], '--peer', `/ip4/127.0.0.1/tcp/1/p2p/${peerId}`, '--repo', 'e2', '--dial-timeout', '5'], work)
      assert.equal(result.code, 4)
      assert.match(result.stderr, /Cannot reach \/ip4\/127\.0\.0\.1\/tcp\/1/)
    })

    it('a missing file: 3', async () => {
      const result = await swapwright(['add', 'no-such-file', '--repo', 'e3'], work)
      assert.equal(result.code, 3)
      assert.match(result.stderr, /No such file or directory: no-such-file/)
    })

    it('an unknown command or option: 2', async () => {
      assert.equal((await swapwright(['fly'], work)).code, 2)
      assert.equal((await swapwright(['add', '--wings'], work)).code, 2)
    })
  })

  it('every command has --help', async () => {
    for (const command of ['add', 'serve', 'get', 'cat', 'ls', 'id', 'demo']) {
      const result = await swapwright([command, '--help'], work)
      assert.equal(result.code, 0)
      assert.match(result.stdout, new RegExp(`Usage: swapwright ${command}`))
    }
  })

  it('demo runs two nodes on 127.0.0.1 and verifies the file', async () => {
    const result = await swapwright(['demo', '--size', '4', '--json'], work)
    assert.equal(result.code, 0, result.stderr)
    const done = result.events.find(e => e.event === 'done')
    assert.equal(done?.verified, true)
    assert.match(result.events[0].address, /^\/ip4\/127\.0\.0\.1\//)
  })
})
