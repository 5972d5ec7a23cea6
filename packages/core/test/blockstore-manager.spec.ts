import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { BlockstoreManager } from '../src/server/blockstore-manager.js'
import type { Blockstore } from '../src/interfaces/blockstore.js'

/** A store of one block that counts its reads and lets the test decide when each read finishes. */
function slowStore (cid: CID, bytes: Uint8Array): { store: Blockstore, reads: () => number, finish: () => void } {
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
  return { store, reads: () => reads, finish: () => { for (const wake of waiting.splice(0)) wake() } }
}

describe('BlockstoreManager', () => {
  it('shares one read among askers of the same block at the same time, and reads again later', async () => {
    const bytes = new Uint8Array(1024).fill(7)
    const cid = CID.createV1(raw.code, await sha256.digest(bytes))
    const { store, reads, finish } = slowStore(cid, bytes)
    const manager = new BlockstoreManager(store, { concurrency: 4, sizeCacheEntries: 16 })
    const together = [manager.get(cid), manager.get(cid), manager.get(cid)]
    await new Promise(resolve => setImmediate(resolve))
    finish()
    const got = await Promise.all(together)
    assert.equal(reads(), 1)
    for (const block of got) assert.deepEqual(block, bytes)
    const later = manager.get(cid)
    await new Promise(resolve => setImmediate(resolve))
    finish()
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
    await new Promise(resolve => setImmediate(resolve))
    finish()
    assert.deepEqual(await Promise.all(together), [undefined, undefined])
    assert.equal(reads(), 1)
    assert.equal(manager.readErrors, 0)
  })
})
