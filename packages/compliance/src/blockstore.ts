/**
 * The `Blockstore` contract a Swapwright node relies on (`interface-blockstore`, keyed by multihash): single
 * and many blocks, chunked writes, 2 MiB blocks, concurrent writers, and abort signals.
 * @packageDocumentation
 */
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { equal, equalBytes, ok, rejectsNamed, same } from './assert.js'
import { asyncChunks, collect, drain, makeBlock, makeBlocks, mhKey, nextTurn, syncChunks } from './blockstore-fixtures.js'
import type { ComplianceCase } from './case.js'
import type { Blockstore } from 'interface-blockstore'

export type { ComplianceCase } from './case.js'
/** Helpers for a store's own tests: real blocks, chunk sources, and reading a `get` whole. */
export { asyncChunks, collect, drain, makeBlock, makeBlocks, mhKey, syncChunks, type Block } from './blockstore-fixtures.js'

/** A store ready for use, and how to dispose of it (close it, remove its files). */
export interface StoreUnderTest {
  store: Blockstore
  teardown: () => Promise<void>
}

const DAG_PB = 0x70
const MIB = 1024 * 1024

interface StoreCase {
  name: string
  run: (store: Blockstore) => Promise<void>
}

/**
 * The cases of the blockstore contract. `factory` is called at the start of each case for a fresh, empty, open
 * store; its teardown runs at the end of the case, pass or fail.
 */
export function blockstoreCases (factory: () => Promise<StoreUnderTest>): ComplianceCase[] {
  return STORE_CASES.map(c => ({
    name: c.name,
    run: async () => {
      const subject = await factory()
      try {
        await c.run(subject.store)
      } finally {
        await subject.teardown()
      }
    }
  }))
}

const STORE_CASES: StoreCase[] = [
  {
    name: 'single blocks: put returns the CID; get, has and delete see the block',
    run: async store => {
      const block = await makeBlock()
      equal((await store.put(block.cid, block.bytes)).toString(), block.cid.toString())
      equal(await store.has(block.cid), true)
      equalBytes(await collect(store.get(block.cid)), block.bytes)
      await store.delete(block.cid)
      equal(await store.has(block.cid), false)
      await rejectsNamed(async () => collect(store.get(block.cid)), 'NotFoundError', 'reading a missing block')
    }
  }, {
    name: 'single blocks: has is false and get throws NotFoundError for a block never stored',
    run: async store => {
      const block = await makeBlock()
      equal(await store.has(block.cid), false)
      await rejectsNamed(async () => collect(store.get(block.cid)), 'NotFoundError', 'reading a missing block')
    }
  }, {
    name: 'single blocks: deleting a missing block is harmless',
    run: async store => {
      const [kept, missing] = await makeBlocks(2)
      await store.put(kept.cid, kept.bytes)
      await store.delete(missing.cid)
      equalBytes(await collect(store.get(kept.cid)), kept.bytes)
    }
  }, {
    name: 'single blocks: stores a block given as an iterable of chunks',
    run: async store => {
      const block = await makeBlock(10_000)
      await store.put(block.cid, syncChunks(block.bytes, 999))
      equalBytes(await collect(store.get(block.cid)), block.bytes)
    }
  }, {
    name: 'single blocks: stores a block given as an async iterable of chunks',
    run: async store => {
      const block = await makeBlock(10_000)
      await store.put(block.cid, asyncChunks(block.bytes, 1234))
      equalBytes(await collect(store.get(block.cid)), block.bytes)
    }
  }, {
    name: 'single blocks: stores an empty block',
    run: async store => {
      const block = await makeBlock(0)
      await store.put(block.cid, block.bytes)
      equal(await store.has(block.cid), true)
      equalBytes(await collect(store.get(block.cid)), new Uint8Array(0))
    }
  }, {
    name: 'single blocks: keys by multihash: CIDv0 and CIDv1 of one block share it',
    run: async store => {
      const block = await makeBlock()
      const v0 = CID.createV0(block.cid.multihash)
      const v1pb = CID.createV1(DAG_PB, block.cid.multihash)
      const v1raw = CID.createV1(raw.code, block.cid.multihash)
      await store.put(v0, block.bytes)
      equal(await store.has(v1pb), true)
      equalBytes(await collect(store.get(v1pb)), block.bytes)
      equalBytes(await collect(store.get(v1raw)), block.bytes)
      await store.delete(v1raw)
      equal(await store.has(v0), false)
    }
  }, {
    name: 'single blocks: keeps a 2 MiB block byte-exact, whole and in chunks',
    run: async store => {
      const whole = await makeBlock(2 * MIB)
      const chunked = await makeBlock(2 * MIB)
      await store.put(whole.cid, whole.bytes)
      await store.put(chunked.cid, asyncChunks(chunked.bytes, 64 * 1024))
      equalBytes(await collect(store.get(whole.cid)), whole.bytes)
      equalBytes(await collect(store.get(chunked.cid)), chunked.bytes)
    }
  }, {
    name: 'single blocks: overwriting a block with the same bytes is harmless',
    run: async store => {
      const block = await makeBlock(5000)
      await store.put(block.cid, block.bytes)
      await store.put(block.cid, syncChunks(block.bytes, 100))
      await store.put(CID.createV0(block.cid.multihash), block.bytes)
      equalBytes(await collect(store.get(block.cid)), block.bytes)
      equal((await collectAll(store)).length, 1)
    }
  }, {
    name: 'many blocks: putMany stores every block and yields every CID, from an async source',
    run: async store => {
      const blocks = await makeBlocks(40)
      const put: string[] = []
      for await (const cid of store.putMany(asyncPairs(blocks))) put.push(cid.toString())
      same(put.sort(), blocks.map(b => b.cid.toString()).sort())
      for (const block of blocks) equalBytes(await collect(store.get(block.cid)), block.bytes)
    }
  }, {
    name: 'many blocks: getMany yields each requested block with its bytes',
    run: async store => {
      const blocks = await makeBlocks(40)
      await drain(store.putMany(blocks.map(({ cid, bytes }) => ({ cid, bytes }))))
      const wanted = blocks.slice(5, 30)
      const got = new Map<string, Uint8Array>()
      for await (const pair of store.getMany(wanted.map(b => b.cid))) got.set(pair.cid.toString(), await collect(pair.bytes))
      equal(got.size, wanted.length)
      for (const block of wanted) equalBytes(got.get(block.cid.toString()), block.bytes)
    }
  }, {
    name: 'many blocks: getMany throws NotFoundError for a missing block',
    run: async store => {
      const [stored, missing] = await makeBlocks(2)
      await store.put(stored.cid, stored.bytes)
      await rejectsNamed(async () => {
        for await (const pair of store.getMany([stored.cid, missing.cid])) await collect(pair.bytes)
      }, 'NotFoundError', 'reading a missing block')
    }
  }, {
    name: 'many blocks: deleteMany removes every block and yields every CID',
    run: async store => {
      const blocks = await makeBlocks(30)
      await drain(store.putMany(blocks))
      const gone = blocks.slice(0, 20)
      const deleted: string[] = []
      for await (const cid of store.deleteMany(asyncCids(gone))) deleted.push(cid.toString())
      same(deleted.sort(), gone.map(b => b.cid.toString()).sort())
      for (const block of gone) equal(await store.has(block.cid), false)
      for (const block of blocks.slice(20)) equal(await store.has(block.cid), true)
    }
  }, {
    name: 'many blocks: getAll lists every block once, with its bytes',
    run: async store => {
      same(await collectAll(store), [])
      const blocks = await makeBlocks(25, 300)
      await drain(store.putMany(blocks))
      await store.put(CID.createV0(blocks[0].cid.multihash), blocks[0].bytes)
      const listed = await collectAll(store)
      equal(listed.length, blocks.length)
      const byKey = new Map(listed.map(entry => [entry.key, entry.bytes]))
      for (const block of blocks) equalBytes(byKey.get(mhKey(block.cid)), block.bytes)
    }
  }, {
    name: 'concurrency: 50 concurrent writers of different blocks all land',
    run: async store => {
      const blocks = await makeBlocks(50, 20_000)
      await Promise.all(blocks.map(async (block, i) => store.put(block.cid, i % 2 === 0 ? block.bytes : asyncChunks(block.bytes, 4096))))
      for (const block of blocks) equalBytes(await collect(store.get(block.cid)), block.bytes)
      equal((await collectAll(store)).length, 50)
    }
  }, {
    name: 'concurrency: 20 concurrent writers of one block end with it intact, and readers never see part of it',
    run: async store => {
      const block = await makeBlock(512 * 1024)
      let writing = true
      const seen = { whole: 0, missing: 0 }
      const reader = (async () => {
        while (writing) {
          try {
            equalBytes(await collect(store.get(block.cid)), block.bytes, 'a reader saw a partial or corrupt block')
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
      ok(seen.whole + seen.missing > 0, 'the reader ran while the writers did')
      for (const writer of writers) equal(writer.status, 'fulfilled', String((writer as PromiseRejectedResult).reason))
      equalBytes(await collect(store.get(block.cid)), block.bytes)
      equal((await collectAll(store)).length, 1)
    }
  }, {
    name: 'abort signals: every operation rejects with AbortError when the signal has already fired',
    run: async store => {
      const [stored, fresh] = await makeBlocks(2)
      await store.put(stored.cid, stored.bytes)
      const signal = AbortSignal.abort()
      await rejectsNamed(async () => store.put(fresh.cid, fresh.bytes, { signal }), 'AbortError', 'an aborted call')
      await rejectsNamed(async () => store.has(stored.cid, { signal }), 'AbortError', 'an aborted call')
      await rejectsNamed(async () => collect(store.get(stored.cid, { signal })), 'AbortError', 'an aborted call')
      await rejectsNamed(async () => store.delete(stored.cid, { signal }), 'AbortError', 'an aborted call')
      await rejectsNamed(async () => drain(store.putMany([fresh], { signal })), 'AbortError', 'an aborted call')
      await rejectsNamed(async () => {
        for await (const pair of store.getMany([stored.cid], { signal })) await collect(pair.bytes)
      }, 'AbortError', 'an aborted call')
      await rejectsNamed(async () => drain(store.deleteMany([stored.cid], { signal })), 'AbortError', 'an aborted call')
      await rejectsNamed(async () => drain(store.getAll({ signal })), 'AbortError', 'an aborted call')
      // nothing changed
      equal(await store.has(fresh.cid), false)
      equalBytes(await collect(store.get(stored.cid)), stored.bytes)
    }
  }, {
    name: 'abort signals: aborting while a chunked put is reading its source leaves no block',
    run: async store => {
      const block = await makeBlock(64 * 1024)
      const controller = new AbortController()
      async function * source (): AsyncGenerator<Uint8Array> {
        yield block.bytes.subarray(0, 1024)
        controller.abort()
        await nextTurn()
        yield block.bytes.subarray(1024)
      }
      await rejectsNamed(async () => store.put(block.cid, source(), { signal: controller.signal }), 'AbortError', 'an aborted call')
      equal(await store.has(block.cid), false)
      await rejectsNamed(async () => collect(store.get(block.cid)), 'NotFoundError', 'reading a missing block')
      same(await collectAll(store), [])
    }
  }
]

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
