import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { base32upper } from 'multiformats/bases/base32'
import { sha256 } from 'multiformats/hashes/sha2'
import { fsBlockstore } from '../src/index.js'
import { assertBytes, collect, FILES_ONLY, inFreshDir, makeBlock } from './fixtures.js'
import type { Block } from './fixtures.js'

function layout (root: string, block: Block): { shard: string, name: string, file: string } {
  const key = base32upper.baseEncode(block.cid.multihash.bytes)
  const shard = join(root, key.slice(-3, -1))
  const name = `${key}.data`
  return { shard, name, file: join(shard, name) }
}

const here = dirname(fileURLToPath(import.meta.url))
const storesEntry = pathToFileURL(join(here, '..', 'src', 'index.js')).href

/**
 * A real crash: a child process starts putting a block from a source that stalls after its first 64 KiB, tells
 * us the first chunk is on disk, and is killed with SIGKILL (no cleanup code can run).
 */
async function crashMidWrite (dir: string, cid: string): Promise<void> {
  const script = `
    const { fsBlockstore } = await import(process.env.SW_STORES)
    const { CID } = await import('multiformats/cid')
    const store = fsBlockstore(process.env.SW_DIR)
    await store.open()
    async function * stalls () {
      yield new Uint8Array(64 * 1024).fill(7)
      process.stdout.write('mid-write\\n')
      await new Promise(() => setInterval(() => {}, 1000))
    }
    await store.put(CID.parse(process.env.SW_CID), stalls())
  `
  await killWhenSaid(script, { SW_DIR: dir, SW_CID: cid }, 'mid-write', 'the child reached the middle of its write')
}

/** Runs `script` in a child process with the store's entry in SW_STORES, and SIGKILLs it once it prints `marker`. */
async function killWhenSaid (script: string, env: Record<string, string>, marker: string, what: string): Promise<void> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(here, '..', '..'),
    env: { ...process.env, SW_STORES: storesEntry, ...env },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  try {
    let output = ''
    for await (const chunk of child.stdout) {
      output += String(chunk)
      if (output.includes(marker)) break
    }
    assert.ok(output.includes(marker), what)
  } finally {
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
  }
}

/**
 * A real crash in the middle of batched writes: a child process puts thousands of whole blocks (the writer
 * threads' path) and is killed with SIGKILL once some are on disk, while the rest are still being written.
 */
async function crashMidBatch (dir: string, options: string): Promise<void> {
  const script = `
    const { fsBlockstore } = await import(process.env.SW_STORES)
    const { CID } = await import('multiformats/cid')
    const raw = await import('multiformats/codecs/raw')
    const { sha256 } = await import('multiformats/hashes/sha2')
    const { randomBytes } = await import('node:crypto')
    const store = fsBlockstore(process.env.SW_DIR, ${options})
    await store.open()
    let done = 0
    for (let round = 0; ; round++) {
      const puts = []
      for (let i = 0; i < 500; i++) {
        const bytes = new Uint8Array(randomBytes(1000 + (i % 7) * 3000))
        puts.push(store.put(CID.createV1(raw.code, await sha256.digest(bytes)), bytes).then(() => {
          if (++done === 200) process.stdout.write('some-written\\n')
        }))
      }
      await Promise.all(puts)
    }
  `
  await killWhenSaid(script, { SW_DIR: dir }, 'some-written', 'the child wrote some blocks')
}

describe('FsBlockstore atomicity', () => {
  for (const [where, options] of [
    ['on writer threads', '{ smallBlockSize: 0, writerThreads: 2, writeConcurrency: 1024 }'],
    ['appended to the block log', '{}']
  ]) {
    it(`a process killed during batched writes ${where} leaves only whole blocks`, async () => inFreshDir('fs-atomic', async dir => {
      await crashMidBatch(dir, options)
      const store = fsBlockstore(dir)
      await store.open()
      let blocks = 0
      for await (const { cid, bytes } of store.getAll()) {
        const data = await collect(bytes)
        const digest = await sha256.digest(data)
        assert.deepEqual(digest.bytes, cid.multihash.bytes, `block ${cid} is whole`)
        blocks++
      }
      assert.ok(blocks >= 200, `found ${blocks} blocks`)
      for (const shard of await readdir(dir)) {
        for (const name of await readdir(join(dir, shard))) assert.ok(!name.endsWith('.tmp'), `temp file ${name} removed by open`)
      }
      await store.close()
    }))
  }


  it('never returns a leftover temp file, and the next open removes it', async () => inFreshDir('fs-atomic', async dir => {
    const [stored, unstored] = await makeBlocks2()
    const store = fsBlockstore(dir, FILES_ONLY)
    await store.open()
    await store.put(stored.cid, stored.bytes)
    // what a crashed writer leaves: partial bytes under temp names, beside a real block and for a block never stored
    const a = layout(dir, stored)
    const b = layout(dir, unstored)
    await mkdir(b.shard, { recursive: true })
    const leftovers = [
      join(a.shard, `.${a.name}.0123456789ab.tmp`),
      join(b.shard, `.${b.name}.ba9876543210.tmp`),
      join(dir, '.open-probe.000000000000.tmp')
    ]
    await writeFile(leftovers[0], stored.bytes.subarray(0, 100))
    await writeFile(leftovers[1], unstored.bytes.subarray(0, 100))
    await writeFile(leftovers[2], '')

    assertBytes(await collect(store.get(stored.cid)), stored.bytes)
    assert.equal(await store.has(unstored.cid), false)
    await assert.rejects(collect(store.get(unstored.cid)), { name: 'NotFoundError' })
    const listed = []
    for await (const pair of store.getAll()) listed.push(await collect(pair.bytes))
    assert.equal(listed.length, 1)
    assertBytes(listed[0], stored.bytes)
    await store.close()

    const reopened = fsBlockstore(dir, FILES_ONLY)
    await reopened.open()
    for (const leftover of leftovers) await assert.rejects(stat(leftover), { code: 'ENOENT' }, `${leftover} was removed`)
    assert.deepEqual(await readdir(b.shard), [])
    assertBytes(await collect(reopened.get(stored.cid)), stored.bytes)
    await reopened.close()
  }))

  it('a process killed mid-write of a new block leaves no block, and reopening cleans up', async () => inFreshDir('fs-atomic', async dir => {
    const block = await makeBlock(256 * 1024)
    const { shard, file } = layout(dir, block)
    await crashMidWrite(dir, block.cid.toString())

    await assert.rejects(stat(file), { code: 'ENOENT' }, 'nothing at the final name')
    const temps = await readdir(shard)
    assert.equal(temps.length, 1)
    assert.match(temps[0], /^\..+\.tmp$/)
    assert.equal((await stat(join(shard, temps[0]))).size, 64 * 1024, 'the partial write is on disk, under the temp name')

    const store = fsBlockstore(dir)
    await store.open()
    assert.deepEqual(await readdir(shard), [], 'open removed the temp file')
    assert.equal(await store.has(block.cid), false)
    await assert.rejects(collect(store.get(block.cid)), { name: 'NotFoundError' })
    await store.put(block.cid, block.bytes)
    assertBytes(await collect(store.get(block.cid)), block.bytes)
    await store.close()
  }))

  it('a process killed mid-overwrite leaves the old block intact', async () => inFreshDir('fs-atomic', async dir => {
    const block = await makeBlock(256 * 1024)
    const first = fsBlockstore(dir)
    await first.open()
    await first.put(block.cid, block.bytes)
    await first.close()

    await crashMidWrite(dir, block.cid.toString())

    const store = fsBlockstore(dir)
    await store.open()
    assert.deepEqual(await readdir(layout(dir, block).shard), [layout(dir, block).name])
    assertBytes(await collect(store.get(block.cid)), block.bytes)
    await store.close()
  }))
})

async function makeBlocks2 (): Promise<[Block, Block]> {
  return [await makeBlock(1000), await makeBlock(1000)]
}
