import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { CLI, swapwright, useServedFolder } from './cli-helpers.js'

/** Runs the command and keeps stdout as bytes: a file written to stdout is not text. */
async function bytesOut (args: string[], cwd: string): Promise<{ code: number | null, stdout: Buffer, stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  const chunks: Buffer[] = []
  let stderr = ''
  child.stdout.on('data', chunk => { chunks.push(chunk as Buffer) })
  child.stderr.on('data', chunk => { stderr += String(chunk) })
  const code = await new Promise<number | null>(resolve => { child.on('close', resolve) })
  return { code, stdout: Buffer.concat(chunks), stderr }
}

describe('paths, stdout, cat and ls', () => {
  const big = randomBytes(2 * 1024 * 1024 + 11)
  const served = useServedFolder('swapwright-cli-paths-', async work => {
    await mkdir(join(work, 'tree', 'sub'), { recursive: true })
    await writeFile(join(work, 'tree', 'a.txt'), 'first\n')
    await writeFile(join(work, 'tree', 'sub', 'big.bin'), big)
    await writeFile(join(work, 'tree', 'sub', 'c.txt'), 'third\n')
  }, ['tree', '--repo', 'server-repo'])

  it('get /ipfs/<cid>/<path> fetches only what the path names, and writes it under its own name', async () => {
    const result = await swapwright(['get', `/ipfs/${served.root}/sub/big.bin`, '--peer', served.address, '--repo', 'p1', '--json'], served.work)
    assert.equal(result.code, 0, result.stderr + result.stdout)
    assert.deepEqual(await readFile(join(served.work, 'big.bin')), big)
    const done = result.events.find(e => e.event === 'done')
    assert.ok(done?.bytes < big.length + 4096, `only the file's blocks: ${done?.bytes} bytes`)
    assert.equal(existsSync(join(served.work, 'a.txt')), false)
  })

  it('get <cid>/<path> of a directory writes that directory', async () => {
    const result = await swapwright(['get', `${served.root}/sub`, '--peer', served.address, '--repo', 'p2', '-o', 'sub.out'], served.work)
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(await readFile(join(served.work, 'sub.out', 'big.bin')), big)
    assert.equal(await readFile(join(served.work, 'sub.out', 'c.txt'), 'utf8'), 'third\n')
  })

  it('a path that does not exist below the CID is exit 3, naming it', async () => {
    const result = await swapwright(['get', `${served.root}/sub/nope.txt`, '--peer', served.address, '--repo', 'p3'], served.work)
    assert.equal(result.code, 3, result.stderr)
    assert.match(result.stderr, new RegExp(`No such path: ${served.root}/sub/nope\\.txt`))
  })

  it('get -o - writes the file\'s bytes to stdout and every message to stderr; no file named -', async () => {
    const result = await bytesOut(['get', `${served.root}/sub/big.bin`, '--peer', served.address, '--repo', 'p4', '-o', '-', '--json'], served.work)
    assert.equal(result.code, 0, result.stderr)
    assert.ok(result.stdout.equals(big), `stdout holds the file exactly (${result.stdout.length} bytes)`)
    assert.match(result.stderr, /"event":"done"/)
    assert.equal(existsSync(join(served.work, '-')), false)
  })

  it('cat is get -o -; a directory cannot go to stdout (2)', async () => {
    const file = await bytesOut(['cat', `/ipfs/${served.root}/a.txt`, '--peer', served.address, '--repo', 'p5'], served.work)
    assert.equal(file.code, 0, file.stderr)
    assert.equal(file.stdout.toString(), 'first\n')
    const dir = await bytesOut(['cat', served.root, '--peer', served.address, '--repo', 'p5'], served.work)
    assert.equal(dir.code, 2)
    assert.equal(dir.stdout.length, 0)
    assert.match(dir.stderr, /is a directory: only a file can go to stdout/)
  })

  it('ls lists a directory: CID, size and name, directories ending in /', async () => {
    const result = await swapwright(['ls', served.root, '--peer', served.address, '--repo', 'p6', '--json'], served.work)
    assert.equal(result.code, 0, result.stderr)
    const entries = result.events.filter(e => e.event === 'entry')
    assert.deepEqual(entries.map(e => [e.name, e.type, e.size]), [['a.txt', 'file', 6], ['sub', 'directory', 0]])
    const sub = await swapwright(['ls', `/ipfs/${served.root}/sub`, '--peer', served.address, '--repo', 'p6'], served.work)
    assert.equal(sub.code, 0, sub.stderr)
    const lines = sub.stdout.trim().split('\n')
    assert.equal(lines.length, 2)
    assert.match(lines[0], new RegExp(`^\\S+ ${big.length} big\\.bin$`))
    assert.match(lines[1], /^\S+ 6 c\.txt$/)
  })

  it('serve on a port that is taken says so in one line (1)', async () => {
    const port = served.address.split('/tcp/')[1].split('/')[0]
    const result = await swapwright(['serve', '--repo', 'second', '--listen', `/ip4/127.0.0.1/tcp/${port}`], served.work)
    assert.equal(result.code, 1)
    assert.match(result.stderr, new RegExp(`^swapwright: Cannot listen on /ip4/127\\.0\\.0\\.1/tcp/${port}: the port is taken.*--listen`, 'm'))
    assert.equal(result.stderr.trim().split('\n').length, 1, 'no stack trace')
  })
})
