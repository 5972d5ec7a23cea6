import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { assertBytes, asyncChunks, collect, drain, makeBlock, makeBlocks, mhKey, syncChunks } from './fixtures.js'
import type { Blockstore } from 'interface-blockstore'

/** A store ready for use, and how to dispose of it (close it, remove its files). */
export interface StoreUnderTest {
  store: Blockstore
  teardown: () => Promise<void>
}

const DAG_PB = 0x70
const MIB = 1024 * 1024

function isNamed (name: string): (err: unknown) => boolean {
  return err => {
    assert.equal((err as Error).name, name, `expected ${name}, got ${String(err)}`)
    return true
  }
}

const notFound = isNamed('NotFoundError')
const aborted = isNamed('AbortError')

/**
 * The contract every Swapwright blockstore meets, as a node:test suite. `factory` is called before each test
 * for a fresh, empty, open store; its teardown runs after each test.
 */
export function blockstoreCompliance (name: string, factory: () => Promise<StoreUnderTest>): void {
  describe(`blockstore compliance: ${name}`, () => {
    let subject: StoreUnderTest
    let store: Blockstore

    beforeEach(async () => {
      subject = await factory()
      store = subject.store
    })

    afterEach(async () => {
      await subject.teardown()
    })

    describe('single blocks', () => {
      it('put returns the CID; get, has and delete see the block', async () => {
        const block = await makeBlock()
        assert.equal((await store.put(block.cid, block.bytes)).toString(), block.cid.toString())
        assert.equal(await store.has(block.cid), true)
        assertBytes(await collect(store.get(block.cid)), block.bytes)
        await store.delete(block.cid)
        assert.equal(await store.has(block.cid), false)
        await assert.rejects(collect(store.get(block.cid)), notFound)
      })

      it('has is false and get throws NotFoundError for a block never stored', async () => {
        const block = await makeBlock()
        assert.equal(await store.has(block.cid), false)
        await assert.rejects(async () => collect(store.get(block.cid)), notFound)
      })

      it('deleting a missing block is harmless', async () => {
        const [kept, missing] = await makeBlocks(2)
        await store.put(kept.cid, kept.bytes)
        await store.delete(missing.cid)
        assertBytes(await collect(store.get(kept.cid)), kept.bytes)
      })

      it('stores a block given as an iterable of chunks', async () => {
        const block = await makeBlock(10_000)
        await store.put(block.cid, syncChunks(block.bytes, 999))
        assertBytes(await collect(store.get(block.cid)), block.bytes)
      })

      it('stores a block given as an async iterable of chunks', async () => {
        const block = await makeBlock(10_000)
        await store.put(block.cid, asyncChunks(block.bytes, 1234))
        assertBytes(await collect(store.get(block.cid)), block.bytes)
      })

      it('stores an empty block', async () => {
        const block = await makeBlock(0)
        await store.put(block.cid, block.bytes)
        assert.equal(await store.has(block.cid), true)
        assertBytes(await collect(store.get(block.cid)), new Uint8Array(0))
      })

      it('keys by multihash: CIDv0 and CIDv1 of one block share it', async () => {
        const block = await makeBlock()
        const v0 = CID.createV0(block.cid.multihash)
        const v1pb = CID.createV1(DAG_PB, block.cid.multihash)
        const v1raw = CID.createV1(raw.code, block.cid.multihash)
        await store.put(v0, block.bytes)
        assert.equal(await store.has(v1pb), true)
        assertBytes(await collect(store.get(v1pb)), block.bytes)
        assertBytes(await collect(store.get(v1raw)), block.bytes)
        await store.delete(v1raw)
        assert.equal(await store.has(v0), false)
      })

      it('keeps a 2 MiB block byte-exact, whole and in chunks', async () => {
        const whole = await makeBlock(2 * MIB)
        const chunked = await makeBlock(2 * MIB)
        await store.put(whole.cid, whole.bytes)
        await store.put(chunked.cid, asyncChunks(chunked.bytes, 64 * 1024))
        assertBytes(await collect(store.get(whole.cid)), whole.bytes)
        assertBytes(await collect(store.get(chunked.cid)), chunked.bytes)
      })

      it('overwriting a block with the same bytes is harmless', async () => {
        const block = await makeBlock(5000)
        await store.put(block.cid, block.bytes)
        await store.put(block.cid, syncChunks(block.bytes, 100))
        await store.put(CID.createV0(block.cid.multihash), block.bytes)
        assertBytes(await collect(store.get(block.cid)), block.bytes)
        assert.equal((await collectAll(store)).length, 1)
      })
    })

    describe('many blocks', () => {
      it('putMany stores every block and yields every CID, from an async source', async () => {
        const blocks = await makeBlocks(40)
        const put: string[] = []
        for await (const cid of store.putMany(asyncPairs(blocks))) put.push(cid.toString())
        assert.deepEqual(put.sort(), blocks.map(b => b.cid.toString()).sort())
        for (const block of blocks) assertBytes(await collect(store.get(block.cid)), block.bytes)
      })

      it('getMany yields each requested block with its bytes', async () => {
        const blocks = await makeBlocks(40)
        await drain(store.putMany(blocks.map(({ cid, bytes }) => ({ cid, bytes }))))
        const wanted = blocks.slice(5, 30)
        const got = new Map<string, Uint8Array>()
        for await (const pair of store.getMany(wanted.map(b => b.cid))) got.set(pair.cid.toString(), await collect(pair.bytes))
        assert.equal(got.size, wanted.length)
        for (const block of wanted) assertBytes(got.get(block.cid.toString()), block.bytes)
      })

      it('getMany throws NotFoundError for a missing block', async () => {
        const [stored, missing] = await makeBlocks(2)
        await store.put(stored.cid, stored.bytes)
        await assert.rejects(async () => {
          for await (const pair of store.getMany([stored.cid, missing.cid])) await collect(pair.bytes)
        }, notFound)
      })

      it('deleteMany removes every block and yields every CID', async () => {
        const blocks = await makeBlocks(30)
        await drain(store.putMany(blocks))
        const gone = blocks.slice(0, 20)
        const deleted: string[] = []
        for await (const cid of store.deleteMany(asyncCids(gone))) deleted.push(cid.toString())
        assert.deepEqual(deleted.sort(), gone.map(b => b.cid.toString()).sort())
        for (const block of gone) assert.equal(await store.has(block.cid), false)
        for (const block of blocks.slice(20)) assert.equal(await store.has(block.cid), true)
      })

      it('getAll lists every block once, with its bytes', async () => {
        assert.deepEqual(await collectAll(store), [])
        const blocks = await makeBlocks(25, 300)
        await drain(store.putMany(blocks))
        await store.put(CID.createV0(blocks[0].cid.multihash), blocks[0].bytes)
        const listed = await collectAll(store)
        assert.equal(listed.length, blocks.length)
        const byKey = new Map(listed.map(entry => [entry.key, entry.bytes]))
        for (const block of blocks) assertBytes(byKey.get(mhKey(block.cid)), block.bytes)
      })
    })

    describe('concurrency', () => {
      it('50 concurrent writers of different blocks all land', async () => {
        const blocks = await makeBlocks(50, 20_000)
        await Promise.all(blocks.map(async (block, i) => store.put(block.cid, i % 2 === 0 ? block.bytes : asyncChunks(block.bytes, 4096))))
        for (const block of blocks) assertBytes(await collect(store.get(block.cid)), block.bytes)
        assert.equal((await collectAll(store)).length, 50)
      })

      it('20 concurrent writers of one block end with it intact, and readers never see part of it', async () => {
        const block = await makeBlock(512 * 1024)
        let writing = true
        const seen = { whole: 0, missing: 0 }
        const reader = (async () => {
          while (writing) {
            try {
              assertBytes(await collect(store.get(block.cid)), block.bytes, 'a reader saw a partial or corrupt block')
              seen.whole++
            } catch (err) {
              if ((err as Error).name !== 'NotFoundError') throw err
              seen.missing++
            }
            await nextTurn()
          }
        })()
        // staggered starts, so one writer finishes while others are mid-write
        const writers = await Promise.allSettled(Array.from({ length: 20 }, async (_, i) => {
          for (let turn = 0; turn < i; turn++) await nextTurn()
          await store.put(block.cid, i % 3 === 0 ? block.bytes : asyncChunks(block.bytes, 16 * 1024))
        }))
        writing = false
        await reader
        assert.ok(seen.whole + seen.missing > 0, 'the reader ran while the writers did')
        for (const writer of writers) assert.equal(writer.status, 'fulfilled', String((writer as PromiseRejectedResult).reason))
        assertBytes(await collect(store.get(block.cid)), block.bytes)
        assert.equal((await collectAll(store)).length, 1)
      })
    })

    describe('abort signals', () => {
      it('every operation rejects with AbortError when the signal has already fired', async () => {
        const [stored, fresh] = await makeBlocks(2)
        await store.put(stored.cid, stored.bytes)
        const signal = AbortSignal.abort()
        await assert.rejects(async () => store.put(fresh.cid, fresh.bytes, { signal }), aborted)
        await assert.rejects(async () => store.has(stored.cid, { signal }), aborted)
        await assert.rejects(async () => collect(store.get(stored.cid, { signal })), aborted)
        await assert.rejects(async () => store.delete(stored.cid, { signal }), aborted)
        await assert.rejects(async () => drain(store.putMany([fresh], { signal })), aborted)
        await assert.rejects(async () => {
          for await (const pair of store.getMany([stored.cid], { signal })) await collect(pair.bytes)
        }, aborted)
        await assert.rejects(async () => drain(store.deleteMany([stored.cid], { signal })), aborted)
        await assert.rejects(async () => drain(store.getAll({ signal })), aborted)
        // nothing changed
        assert.equal(await store.has(fresh.cid), false)
        assertBytes(await collect(store.get(stored.cid)), stored.bytes)
      })

      it('aborting while a chunked put is reading its source leaves no block', async () => {
        const block = await makeBlock(64 * 1024)
        const controller = new AbortController()
        async function * source (): AsyncGenerator<Uint8Array> {
          yield block.bytes.subarray(0, 1024)
          controller.abort()
          await nextTurn()
          yield block.bytes.subarray(1024)
        }
        await assert.rejects(async () => store.put(block.cid, source(), { signal: controller.signal }), aborted)
        assert.equal(await store.has(block.cid), false)
        await assert.rejects(async () => collect(store.get(block.cid)), notFound)
        assert.deepEqual(await collectAll(store), [])
      })
    })
  })
}

async function collectAll (store: Blockstore): Promise<Array<{ key: string, bytes: Uint8Array }>> {
  const out: Array<{ key: string, bytes: Uint8Array }> = []
  for await (const pair of store.getAll()) out.push({ key: mhKey(pair.cid), bytes: await collect(pair.bytes) })
  return out
}

async function * asyncPairs (blocks: Array<{ cid: CID, bytes: Uint8Array }>): AsyncGenerator<{ cid: CID, bytes: AsyncIterable<Uint8Array> }> {
  for (const block of blocks) {
    await nextTurn()
    yield { cid: block.cid, bytes: asyncChunks(block.bytes, 100) }
  }
}

async function * asyncCids (blocks: Array<{ cid: CID }>): AsyncGenerator<CID> {
  for (const block of blocks) {
    await nextTurn()
    yield block.cid
  }
}
