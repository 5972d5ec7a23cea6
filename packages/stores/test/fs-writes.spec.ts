import assert from 'node:assert/strict'
import { readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { base32upper } from 'multiformats/bases/base32'
import { DEFAULT_FS_WRITE_BUFFER_SIZE, DEFAULT_FS_WRITE_CONCURRENCY, fsBlockstore } from '../src/index.js'
import { isTempFileName, tempNamer } from '../src/fs-layout.js'
import { assertBytes, collect, FILES_ONLY, inFreshDir, makeBlock, makeBlocks } from './fixtures.js'

/** A block's bytes from a source that holds back its last chunk until `release` is called. */
function heldSource (bytes: Uint8Array): { source: AsyncGenerator<Uint8Array>, release: () => void } {
  let release = (): void => {}
  const released = new Promise<void>(resolve => { release = resolve })
  async function * source (): AsyncGenerator<Uint8Array> {
    yield bytes.subarray(0, 1)
    await released
    yield bytes.subarray(1)
  }
  return { source: source(), release }
}

/** Turns of the event loop until `done()` or a generous bound (file operations finish in far fewer). */
async function until (done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !done(); turn++) await nextTurn()
  assert.ok(done(), 'condition reached')
}

describe('FsBlockstore writes', () => {
  it('has a documented write bound, and refuses a bad one', () => {
    assert.equal(DEFAULT_FS_WRITE_CONCURRENCY, 16)
    assert.equal(fsBlockstore('x').writeConcurrency, 16)
    assert.equal(DEFAULT_FS_WRITE_BUFFER_SIZE, 8 * 1024 * 1024)
    assert.equal(fsBlockstore('x', { writeBufferSize: 1000 }).writeBufferSize, 1000)
    assert.throws(() => fsBlockstore('x', { writeBufferSize: 0 }), RangeError)
    assert.throws(() => fsBlockstore('x', { writerThreads: -1 }), RangeError)
    assert.throws(() => fsBlockstore('x', { writerThreads: 1.5 }), RangeError)
    assert.equal(fsBlockstore('x', { writeConcurrency: 3 }).writeConcurrency, 3)
    assert.throws(() => fsBlockstore('x', { writeConcurrency: 0 }), RangeError)
    assert.throws(() => fsBlockstore('x', { writeConcurrency: 1.5 }), RangeError)
  })

  it('runs at most writeConcurrency puts at once and says how many wait', async () => inFreshDir('fs-writes', async dir => {
    const store = fsBlockstore(dir, { writeConcurrency: 2 })
    await store.open()
    const blocks = await makeBlocks(5, 1000)
    const held = blocks.map(block => heldSource(block.bytes))
    const puts = blocks.map(async (block, i) => store.put(block.cid, held[i].source))
    await until(() => store.queuedWrites === 3)
    let writable = false
    const whenWritable = store.writable().then(() => { writable = true })
    // the three queued puts have not even created their temp files
    const temps = async (): Promise<number> => {
      let n = 0
      for (const shard of await readdir(dir)) n += (await readdir(join(dir, shard))).filter(isTempFileName).length
      return n
    }
    // the two running puts create theirs while reading their held sources: wait for both files, never a third
    for (let tries = 0; tries < 200 && await temps() < 2; tries++) await nextTurn()
    assert.equal(await temps(), 2)
    held[0].release()
    await until(() => store.queuedWrites === 2)
    assert.equal(writable, false, 'still writes waiting')
    for (const h of held) h.release()
    await Promise.all(puts)
    await whenWritable
    assert.equal(store.queuedWrites, 0)
    for (const block of blocks) assertBytes(await collect(store.get(block.cid)), block.bytes)
    await store.close()
  }))

  it('batches whole blocks to the writer threads within the count and byte bounds, and reports back-pressure', async () => inFreshDir('fs-writes', async dir => {
    const store = fsBlockstore(dir, { ...FILES_ONLY, writeConcurrency: 4, writeBufferSize: 5000, writerThreads: 2 })
    await store.open()
    const blocks = await makeBlocks(12, 2000)
    assert.equal(await store.has(blocks[0].cid), false, 'a fresh store knows without a stat')
    const puts = blocks.map(async block => store.put(block.cid, block.bytes))
    // 5000 bytes hold two of these blocks: the other ten wait, in order
    assert.equal(store.queuedWrites, 10)
    const whenWritable = store.writable()
    await puts[0]
    assert.ok(store.queuedWrites < 10, 'a finished write let the next in')
    await Promise.all(puts)
    await whenWritable
    assert.equal(store.queuedWrites, 0)
    for (const block of blocks) {
      assert.equal(await store.has(block.cid), true)
      assertBytes(await collect(store.get(block.cid)), block.bytes)
    }
    await store.close()
    // a closed store's writer threads are gone; opened again, it writes with new ones
    const again = fsBlockstore(dir, { ...FILES_ONLY, writerThreads: 1 })
    await again.open()
    const late = await makeBlock(3000)
    await again.put(late.cid, late.bytes)
    assertBytes(await collect(again.get(late.cid)), late.bytes)
    for (const block of blocks) assert.equal(await again.has(block.cid), true, 'blocks from before are found in shards listed at open')
    await again.close()
  }))

  it('a whole-block write that fails names its file and errno', async () => inFreshDir('fs-writes', async dir => {
    const store = fsBlockstore(dir, { ...FILES_ONLY, writerThreads: 1 })
    await store.open()
    const block = await makeBlock(2000)
    const shard = join(dir, base32upper.baseEncode(block.cid.multihash.bytes).slice(-3, -1))
    // a file where the shard directory belongs
    await writeFile(shard, 'in the way')
    await assert.rejects(store.put(block.cid, block.bytes), (err: Error & { code?: string, path?: string }) => {
      assert.equal(err.name, 'FsBlockstoreError')
      assert.equal(err.code, 'EEXIST')
      assert.equal(err.path, shard)
      return true
    })
    await store.close()
  }))

  it('a put aborted while it waits for a slot rejects at once and writes nothing', async () => inFreshDir('fs-writes', async dir => {
    const store = fsBlockstore(dir, { ...FILES_ONLY, writeConcurrency: 1 })
    await store.open()
    const [first, second] = await makeBlocks(2, 1000)
    const held = heldSource(first.bytes)
    const running = store.put(first.cid, held.source)
    const controller = new AbortController()
    const waiting = store.put(second.cid, second.bytes, { signal: controller.signal })
    await until(() => store.queuedWrites === 1)
    controller.abort()
    await assert.rejects(waiting, { name: 'AbortError' })
    assert.equal(store.queuedWrites, 0)
    held.release()
    await running
    assert.equal(await store.has(second.cid), false)
    assertBytes(await collect(store.get(first.cid)), first.bytes)
    await store.close()
  }))

  it('creates a shard directory again when it was removed behind the store\'s back', async () => inFreshDir('fs-writes', async dir => {
    const store = fsBlockstore(dir, FILES_ONLY)
    await store.open()
    const block = await makeBlock(2000)
    await store.put(block.cid, block.bytes)
    const shard = join(dir, base32upper.baseEncode(block.cid.multihash.bytes).slice(-3, -1))
    await rm(shard, { recursive: true })
    assert.equal(await store.has(block.cid), false)
    await store.put(block.cid, block.bytes)
    assertBytes(await collect(store.get(block.cid)), block.bytes)
    await store.close()
  }))

  it('gives every write its own temp name, distinct between stores too', () => {
    const a = tempNamer()
    const b = tempNamer()
    const names = new Set<string>()
    for (let i = 0; i < 1000; i++) {
      names.add(a('X.data'))
      names.add(b('X.data'))
    }
    assert.equal(names.size, 2000)
    for (const name of names) assert.ok(isTempFileName(name), name)
  })
})
