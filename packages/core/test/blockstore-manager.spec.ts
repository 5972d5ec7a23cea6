import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { BlockstoreManager } from '../src/server/blockstore-manager.js'
import { blockKey } from '../src/wire/prefix.js'
import type { Blockstore } from '../src/interfaces/blockstore.js'

/** A store of one block that counts its reads and lets the test decide when each read finishes. */
function slowStore (cid: CID, bytes: Uint8Array): { store: Blockstore, reads: () => number, finish: () => Promise<void> } {
  let reads = 0
  const waiting: Array<() => void> = []
  const store = {
    async * get (wanted: CID) {
      reads++
      await new Promise<void>(resolve => { waiting.push(resolve) })
      if (!wanted.equals(cid)) throw Object.assign(new Error('not found'), { name: 'NotFoundError' })
      yield bytes
    },
    async has (wanted: CID) { return wanted.equals(cid) }
  } as unknown as Blockstore
  // Finishes the reads started so far, once every asker's call has reached the store.
  const finish = async (): Promise<void> => {
    await new Promise(resolve => setImmediate(resolve))
    for (const wake of waiting.splice(0)) wake()
  }
  return { store, reads: () => reads, finish }
}

describe('BlockstoreManager', () => {
  it('shares one read among askers of the same block at the same time, and reads again later', async () => {
    const bytes = new Uint8Array(1024).fill(7)
    const cid = CID.createV1(raw.code, await sha256.digest(bytes))
    const { store, reads, finish } = slowStore(cid, bytes)
    const manager = new BlockstoreManager(store, { concurrency: 4, sizeCacheEntries: 16 })
    const together = [manager.get(cid), manager.get(cid), manager.get(cid)]
    await finish()
    const got = await Promise.all(together)
    assert.equal(reads(), 1)
    for (const block of got) assert.deepEqual(block, bytes)
    const later = manager.get(cid)
    await finish()
    assert.deepEqual(await later, bytes)
    assert.equal(reads(), 2, 'a finished read is not kept: the next asker reads the store again')
  })

  it('a shared read of a missing block is missing for every asker', async () => {
    const bytes = new Uint8Array(16)
    const cid = CID.createV1(raw.code, await sha256.digest(bytes))
    const other = CID.createV1(raw.code, await sha256.digest(new Uint8Array(17)))
    const { store, reads, finish } = slowStore(cid, bytes)
    const manager = new BlockstoreManager(store, { concurrency: 4, sizeCacheEntries: 16 })
    const together = [manager.get(other), manager.get(other)]
    await finish()
    assert.deepEqual(await Promise.all(together), [undefined, undefined])
    assert.equal(reads(), 1)
    assert.equal(manager.readErrors, 0)
  })

  it('keeps a block read for askers to come until it is released, and reads it again after', async () => {
    const bytes = new Uint8Array(1024).fill(3)
    const cid = CID.createV1(raw.code, await sha256.digest(bytes))
    const { store, reads, finish } = slowStore(cid, bytes)
    const manager = new BlockstoreManager(store, { concurrency: 4, sizeCacheEntries: 16, sharedBlockBytes: 4096 })
    const first = manager.get(cid, always)
    await finish()
    assert.deepEqual(await first, bytes)
    assert.deepEqual(manager.keeping, { blocks: 1, bytes: 1024 })
    assert.equal(await manager.get(cid), await first, 'a later asker gets the kept bytes')
    assert.equal(reads(), 1)
    assert.equal(manager.sharedReads, 1)
    manager.release(blockKey(cid))
    assert.deepEqual(manager.keeping, { blocks: 0, bytes: 0 })
    const again = manager.get(cid)
    await finish()
    assert.deepEqual(await again, bytes)
    assert.equal(reads(), 2, 'a released block is read from the store again')
  })

  it('keeps nothing when nobody wants the block any more by the time its read ends', async () => {
    const bytes = new Uint8Array(1024).fill(4)
    const cid = CID.createV1(raw.code, await sha256.digest(bytes))
    const { store, finish } = slowStore(cid, bytes)
    const manager = new BlockstoreManager(store, { concurrency: 4, sizeCacheEntries: 16, sharedBlockBytes: 4096 })
    let wanted = true
    const reading = manager.get(cid, () => wanted)
    // The last want goes while the read is under way: its release finds nothing kept yet.
    wanted = false
    manager.release(blockKey(cid))
    await finish()
    assert.deepEqual(await reading, bytes, 'the asker still gets the bytes it read')
    assert.deepEqual(manager.keeping, { blocks: 0, bytes: 0 })
  })

  it('keeps no more than sharedBlockBytes, letting the oldest go first, and nothing with 0', async () => {
    const blocks = await Promise.all([1, 2, 3].map(async n => {
      const bytes = new Uint8Array(1000).fill(n)
      return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
    }))
    const store = {
      async * get (wanted: CID) { yield blocks.find(b => b.cid.equals(wanted))?.bytes ?? new Uint8Array() },
      async has () { return true }
    } as unknown as Blockstore
    const manager = new BlockstoreManager(store, { concurrency: 4, sizeCacheEntries: 16, sharedBlockBytes: 2500 })
    for (const { cid } of blocks) await manager.get(cid, always)
    assert.deepEqual(manager.keeping, { blocks: 2, bytes: 2000 })
    await manager.get(blocks[0].cid)
    assert.equal(manager.sharedReads, 0, 'the oldest block went to make room for the newest')
    await manager.get(blocks[2].cid)
    assert.equal(manager.sharedReads, 1)
    const none = new BlockstoreManager(store, { concurrency: 4, sizeCacheEntries: 16, sharedBlockBytes: 0 })
    await none.get(blocks[0].cid, always)
    assert.deepEqual(none.keeping, { blocks: 0, bytes: 0 })
  })
})

const always = (): boolean => true
