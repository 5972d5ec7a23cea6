import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { collect } from '@swapwright/compliance/blockstore'
import { memoryBlockstore } from '../src/index.js'
import { blockstoreCompliance } from './compliance.js'

blockstoreCompliance('memory', async () => ({ store: memoryBlockstore(), teardown: async () => {} }))

/** A CID whose sha2-256 digest is `first` then 27 zero bytes then `last` (four bytes): only the store sees it. */
function crafted (first: number, last: number[]): CID {
  const digest = new Uint8Array(32)
  digest[0] = first
  digest.set(last, 28)
  return CID.createV1(raw.code, Digest.create(0x12, digest))
}

describe('memory store buckets', () => {
  it('keeps apart blocks whose multihashes end in the same four bytes', async () => {
    const store = memoryBlockstore()
    const [a, b, c] = [1, 2, 3].map(first => crafted(first, [9, 8, 7, 6]))
    await store.put(a, Uint8Array.of(1))
    assert.equal(await store.has(b), false, 'a bucket of one block holds only that block')
    await store.put(b, Uint8Array.of(2, 2))
    assert.equal(await store.has(c), false)
    assert.deepEqual(await collect(store.get(b)), Uint8Array.of(2, 2))
    assert.equal(await store.size(a), 1)
    await store.put(c, Uint8Array.of(3, 3, 3))
    await store.put(b, Uint8Array.of(4))
    assert.equal(await store.size(b), 1, 'a second put of one block replaces it, in a shared bucket too')
    await store.delete(a)
    assert.equal(await store.has(a), false)
    assert.deepEqual(await collect(store.get(c)), Uint8Array.of(3, 3, 3))
    await store.delete(b)
    assert.deepEqual(await collect(store.get(c)), Uint8Array.of(3, 3, 3))
    let listed = 0
    for await (const pair of store.getAll()) {
      listed++
      assert.equal(pair.cid.toString(), c.toString())
    }
    assert.equal(listed, 1)
  })
})
