import assert from 'node:assert/strict'
import { appendFile, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { DEFAULT_FS_SEGMENT_SIZE, DEFAULT_FS_SMALL_BLOCK_SIZE, fsBlockstore } from '../src/index.js'
import { decodeRecord, encodeRecord, RECORD_PUT, recordSize, SEGMENT_MAGIC } from '../src/fs-log-record.js'
import { assertBytes, collect, drain, FILES_ONLY, inFreshDir, makeBlock, makeBlocks, mhKey } from './fixtures.js'
import type { FsBlockstoreInit } from '../src/index.js'
import type { Block } from './fixtures.js'

const logDir = (dir: string): string => join(dir, 'log')

async function segments (dir: string): Promise<string[]> {
  return (await readdir(logDir(dir))).filter(name => name.endsWith('.log')).sort().map(name => join(logDir(dir), name))
}

/** Opens a store at `dir`, runs `use`, and closes it whatever happens. */
async function withOpen (dir: string, use: (store: ReturnType<typeof fsBlockstore>) => Promise<void>, init?: FsBlockstoreInit): Promise<void> {
  const store = fsBlockstore(dir, init)
  await store.open()
  try {
    await use(store)
  } finally {
    await store.close()
  }
}

/** Puts `blocks` in a fresh log, then changes its one segment on disk as `tamper` says, the store still open. */
async function putThenTamper (store: ReturnType<typeof fsBlockstore>, dir: string, blocks: readonly Block[], tamper: (bytes: Buffer) => void): Promise<void> {
  for (const block of blocks) await store.put(block.cid, block.bytes)
  const [segment] = await segments(dir)
  const bytes = await readFile(segment)
  tamper(bytes)
  await writeFile(segment, bytes)
}

async function listed (store: ReturnType<typeof fsBlockstore>): Promise<string[]> {
  const keys: string[] = []
  for await (const { cid } of store.getAll()) keys.push(mhKey(cid))
  return keys.sort()
}

const keysOf = (blocks: readonly Block[]): string[] => blocks.map(block => mhKey(block.cid)).sort()

/** The offset in the segment where `block`'s bytes begin (its record's block part). */
function blockOffset (segment: Buffer, block: Block): number {
  const at = segment.indexOf(Buffer.from(block.bytes))
  assert.ok(at > 0, 'the block is in the segment')
  return at
}

describe('FsBlockstore block log', () => {
  it('has documented defaults and refuses bad sizes', () => {
    const store = fsBlockstore('x')
    assert.equal(store.smallBlockSize, DEFAULT_FS_SMALL_BLOCK_SIZE)
    assert.equal(DEFAULT_FS_SMALL_BLOCK_SIZE, 64 * 1024)
    assert.equal(store.segmentSize, DEFAULT_FS_SEGMENT_SIZE)
    assert.equal(DEFAULT_FS_SEGMENT_SIZE, 64 * 1024 * 1024)
    assert.throws(() => fsBlockstore('x', { smallBlockSize: -1 }), RangeError)
    assert.throws(() => fsBlockstore('x', { smallBlockSize: 17 * 1024 * 1024 }), RangeError)
    assert.throws(() => fsBlockstore('x', { segmentSize: 0 }), RangeError)
  })

  it('encodes records that decode to what went in, and tells a short record from a damaged one', () => {
    const key = Uint8Array.from([0x12, 0x20, 1, 2, 3])
    const block = Uint8Array.from([9, 8, 7])
    const buffer = Buffer.alloc(recordSize(key.byteLength, block.byteLength))
    assert.equal(encodeRecord(buffer, 0, RECORD_PUT, key, block), buffer.byteLength)
    const record = decodeRecord(buffer, 0)
    assert.ok(typeof record !== 'string')
    assert.deepEqual([record.kind, [...record.key], [...record.block], record.length], [RECORD_PUT, [...key], [...block], buffer.byteLength])
    assert.equal(decodeRecord(buffer.subarray(0, buffer.byteLength - 1), 0), 'short')
    buffer[8] ^= 1
    assert.equal(decodeRecord(buffer, 0), 'damaged')
  })

  it('puts small blocks into one segment file, large ones into files of their own, and reads both after reopening', async () => inFreshDir('fs-log', async dir => {
    const small = await makeBlocks(50, 1024)
    const large = await makeBlock(DEFAULT_FS_SMALL_BLOCK_SIZE + 1)
    await withOpen(dir, async store => {
      await Promise.all([...small, large].map(async block => store.put(block.cid, block.bytes)))
      for (const block of small) assertBytes(await collect(store.get(block.cid)), block.bytes)
    })
    const names = await readdir(dir)
    assert.deepEqual(names.filter(name => name !== 'log').length, 1, 'one shard directory, for the large block')
    assert.equal((await segments(dir)).length, 1)
    await withOpen(dir, async store => {
      for (const block of [...small, large]) {
        assert.equal(await store.has(block.cid), true)
        assert.equal(await store.size(block.cid), block.bytes.byteLength)
        assertBytes(await collect(store.get(block.cid)), block.bytes)
      }
      assert.deepEqual(await listed(store), keysOf([...small, large]))
    })
  }))

  it('starts a new segment past segmentSize and reads them all back', async () => inFreshDir('fs-log', async dir => {
    const blocks = await makeBlocks(40, 500)
    await withOpen(dir, async store => {
      for (const block of blocks) await store.put(block.cid, block.bytes)
    }, { segmentSize: 4096 })
    assert.ok((await segments(dir)).length >= 4, 'several segments')
    await withOpen(dir, async store => {
      for (const block of blocks) assertBytes(await collect(store.get(block.cid)), block.bytes)
    }, { segmentSize: 4096 })
  }))

  it('drops a torn tail on reopen, keeps what came before, and appends after it', async () => inFreshDir('fs-log', async dir => {
    const [a, b, c] = await makeBlocks(3, 2000)
    await withOpen(dir, async store => {
      await store.put(a.cid, a.bytes)
      await store.put(b.cid, b.bytes)
    })
    const [segment] = await segments(dir)
    const whole = (await stat(segment)).size
    // a crash mid-append: part of b's record is lost from the end
    await truncate(segment, whole - 700)
    await withOpen(dir, async store => {
      assert.equal((await stat(segment)).size, whole - recordSize(b.cid.multihash.bytes.byteLength, b.bytes.byteLength), 'the torn record is cut off')
      assertBytes(await collect(store.get(a.cid)), a.bytes)
      assert.equal(await store.has(b.cid), false)
      await assert.rejects(collect(store.get(b.cid)), { name: 'NotFoundError' })
      await store.put(c.cid, c.bytes)
    })
    await withOpen(dir, async store => {
      assert.deepEqual(await listed(store), keysOf([a, c]))
      assertBytes(await collect(store.get(c.cid)), c.bytes)
    })
    // garbage after the last whole record (an append whose length field never arrived) goes the same way
    await appendFile(segment, Buffer.from([1, 2]))
    await withOpen(dir, async store => { assert.deepEqual(await listed(store), keysOf([a, c])) })
  }))

  it('detects changed bytes in a record, when reading and when reopening', async () => inFreshDir('fs-log', async dir => {
    const [a, b] = await makeBlocks(2, 2000)
    await withOpen(dir, async store => {
      await putThenTamper(store, dir, [a, b], bytes => { bytes[blockOffset(bytes, b) + 10] ^= 0xff })
      await assert.rejects(collect(store.get(b.cid)), { name: 'FsBlockstoreError', code: 'EBADMSG' })
      // forgotten, so a fetch can store it again
      assert.equal(await store.has(b.cid), false)
      assertBytes(await collect(store.get(a.cid)), a.bytes)
    })
    await withOpen(dir, async store => {
      assertBytes(await collect(store.get(a.cid)), a.bytes)
      assert.equal(await store.has(b.cid), false)
      await store.put(b.cid, b.bytes)
      assertBytes(await collect(store.get(b.cid)), b.bytes)
    })
  }))

  it('refuses a whole record of another block where a block\'s record should be', async () => inFreshDir('fs-log', async dir => {
    const [a, b] = await makeBlocks(2, 2000)
    await withOpen(dir, async store => {
      const length = recordSize(a.cid.multihash.bytes.byteLength, a.bytes.byteLength)
      // a's record, checksum and all, copied over b's: well-formed, but not the block asked for
      await putThenTamper(store, dir, [a, b], bytes => { bytes.copy(bytes, SEGMENT_MAGIC.byteLength + length, SEGMENT_MAGIC.byteLength, SEGMENT_MAGIC.byteLength + length) })
      await assert.rejects(collect(store.get(b.cid)), { name: 'FsBlockstoreError', code: 'EBADMSG' })
      assertBytes(await collect(store.get(a.cid)), a.bytes)
    })
  }))

  it('keeps deletes across reopening, and a block put again after its delete', async () => inFreshDir('fs-log', async dir => {
    const [a, b, c] = await makeBlocks(3, 100)
    await withOpen(dir, async store => {
      await drain(store.putMany([a, b, c]))
      await store.delete(a.cid)
      await store.delete(b.cid)
      await store.put(b.cid, b.bytes)
      assert.equal(await store.has(a.cid), false)
    })
    await withOpen(dir, async store => {
      assert.deepEqual(await listed(store), keysOf([b, c]))
      await assert.rejects(collect(store.get(a.cid)), { name: 'NotFoundError' })
    })
  }))

  it('an overlapping put and delete of one block end as they were called', async () => inFreshDir('fs-log', async dir => {
    const [a] = await makeBlocks(1, 100)
    await withOpen(dir, async store => {
      await Promise.all([store.put(a.cid, a.bytes), store.delete(a.cid)])
      assert.equal(await store.has(a.cid), false)
      await Promise.all([store.delete(a.cid), store.put(a.cid, a.bytes)])
      assert.equal(await store.has(a.cid), true)
    })
    await withOpen(dir, async store => { assert.equal(await store.has(a.cid), true) })
  }))

  it('opens a directory of one file per block as it was, and lists old and new blocks once each', async () => inFreshDir('fs-log', async dir => {
    const old = await makeBlocks(5, 1000)
    const fresh = await makeBlocks(5, 1000)
    await withOpen(dir, async store => { await drain(store.putMany(old)) }, FILES_ONLY)
    await withOpen(dir, async store => {
      for (const block of old) assertBytes(await collect(store.get(block.cid)), block.bytes)
      await drain(store.putMany(fresh))
      // a block already in a file, put again: now in both layouts, listed once
      await store.put(old[0].cid, old[0].bytes)
      assert.deepEqual(await listed(store), keysOf([...old, ...fresh]))
      await store.delete(old[0].cid)
      assert.equal(await store.has(old[0].cid), false)
    })
    await withOpen(dir, async store => {
      assert.deepEqual(await listed(store), keysOf([...old.slice(1), ...fresh]))
    })
  }))

  it('reports its waiting appends as back-pressure once they exceed the write buffer', async () => inFreshDir('fs-log', async dir => {
    const blocks = await makeBlocks(20, 1000)
    await withOpen(dir, async store => {
      const puts = blocks.map(async block => store.put(block.cid, block.bytes))
      assert.equal(store.queuedWrites, 20)
      await store.writable()
      assert.equal(store.queuedWrites, 0)
      await Promise.all(puts)
    }, { writeBufferSize: 5000 })
  }))
})
