import assert from 'node:assert/strict'
import { chmod, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, it } from 'node:test'
import { base32upper } from 'multiformats/bases/base32'
import { FsBlockstoreError, fsBlockstore } from '../src/index.js'
import { collect, FILES_ONLY, freshDir, makeBlock } from './fixtures.js'

const run = promisify(execFile)

async function inFreshDir (test: (dir: string) => Promise<void>): Promise<void> {
  const dir = await freshDir('fs-errors')
  try {
    await test(dir)
  } finally {
    await chmod(dir, 0o700).catch(() => {})
    await rm(dir, { recursive: true, force: true })
  }
}

function fsError (expected: { path: string, code: string, operation: string }): (err: unknown) => boolean {
  return err => {
    assert.ok(err instanceof FsBlockstoreError, `expected FsBlockstoreError, got ${String(err)}`)
    assert.equal(err.name, 'FsBlockstoreError')
    assert.equal(err.path, expected.path)
    assert.equal(err.code, expected.code)
    assert.equal(err.operation, expected.operation)
    assert.ok(err.message.includes(expected.path), `message names the path: ${err.message}`)
    assert.ok(err.message.includes(expected.code), `message names the code: ${err.message}`)
    return true
  }
}

const runningAsRoot = process.getuid?.() === 0

/** Opens a store at `path` in a child process running as the unprivileged `nobody` user; returns the error. */
async function openAsNobody (path: string): Promise<{ name: string, code: string, message: string }> {
  const moduleUrl = new URL('../src/index.js', import.meta.url).href
  const script = `const { fsBlockstore } = await import(${JSON.stringify(moduleUrl)})
try { await fsBlockstore(${JSON.stringify(path)}).open(); console.log(JSON.stringify({ name: 'none', code: '', message: 'opened' })) }
catch (err) { console.log(JSON.stringify({ name: err.name, code: err.code, message: err.message })) }`
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534 })
  return JSON.parse(stdout.trim())
}

describe('FsBlockstore errors', () => {
  it('open fails naming the path when it is a file, not a directory', async () => inFreshDir(async dir => {
    const file = join(dir, 'blocks')
    await writeFile(file, 'in the way')
    await assert.rejects(fsBlockstore(file).open(), fsError({ path: file, code: 'ENOTDIR', operation: 'open' }))
  }))

  it('open fails naming the path when a parent is a file', async () => inFreshDir(async dir => {
    await writeFile(join(dir, 'parent'), 'in the way')
    const path = join(dir, 'parent', 'blocks')
    await assert.rejects(fsBlockstore(path).open(), fsError({ path, code: 'ENOTDIR', operation: 'open' }))
  }))

  it('open fails on a missing directory when createIfMissing is false, and creates nothing', async () => inFreshDir(async dir => {
    const path = join(dir, 'missing')
    await assert.rejects(fsBlockstore(path, { createIfMissing: false }).open(), fsError({ path, code: 'ENOENT', operation: 'open' }))
    await assert.rejects(stat(path), { code: 'ENOENT' })
  }))

  it('open fails naming the path when the directory is not writable', async () => inFreshDir(async dir => {
    const path = join(dir, 'readonly')
    await mkdir(path)
    await chmod(path, 0o555)
    if (!runningAsRoot) {
      await assert.rejects(fsBlockstore(path).open(), (err: unknown) => {
        assert.ok(err instanceof FsBlockstoreError)
        assert.equal(err.code, 'EACCES')
        assert.ok(err.message.includes(path))
        return true
      })
      return
    }
    // Root writes anywhere, so the same open runs in a child process as an unprivileged user.
    await chmod(dir, 0o755)
    const outcome = await openAsNobody(path)
    assert.equal(outcome.name, 'FsBlockstoreError')
    assert.equal(outcome.code, 'EACCES')
    assert.ok(outcome.message.includes(path), outcome.message)
  }))

  it('put, get and has surface a broken directory instead of swallowing it', async () => inFreshDir(async dir => {
    const store = fsBlockstore(dir, FILES_ONLY)
    await store.open()
    const block = await makeBlock()
    const name = base32upper.baseEncode(block.cid.multihash.bytes)
    const shard = join(dir, name.slice(-3, -1))
    await writeFile(shard, 'a file where the shard directory belongs')
    await assert.rejects(store.put(block.cid, block.bytes), fsError({ path: shard, code: 'EEXIST', operation: 'put' }))
    const file = join(shard, `${name}.data`)
    await assert.rejects(collect(store.get(block.cid)), fsError({ path: file, code: 'ENOTDIR', operation: 'get' }))
    await assert.rejects(async () => store.has(block.cid), fsError({ path: file, code: 'ENOTDIR', operation: 'has' }))
    await store.close()
  }))

  it('an error from the caller\'s own chunk source passes through unchanged and leaves nothing behind', async () => inFreshDir(async dir => {
    const store = fsBlockstore(dir)
    await store.open()
    const block = await makeBlock()
    const mine = new Error('source broke')
    async function * source (): AsyncGenerator<Uint8Array> {
      yield block.bytes.subarray(0, 10)
      throw mine
    }
    await assert.rejects(store.put(block.cid, source()), (err: unknown) => err === mine)
    assert.equal(await store.has(block.cid), false)
    const shard = base32upper.baseEncode(block.cid.multihash.bytes).slice(-3, -1)
    assert.deepEqual(await readdir(join(dir, shard)), [], 'the temp file was removed')
    await store.close()
  }))
})
