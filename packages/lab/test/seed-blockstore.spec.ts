import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import { blockSet } from '../src/index.js'
import { SeedBlockstore, SeedStores } from '../src/run/seed-blockstore.js'

async function collect (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of source) chunks.push(chunk)
  return Buffer.concat(chunks)
}

describe('SeedBlockstore', () => {
  it('finds what it holds by multihash, tells sizes without a read, and misses what it lacks', async () => {
    const [root, leaf, other] = await blockSet({ count: 3, size: 300, rootSize: 80 })
    const store = new SeedBlockstore()
    await store.put(root.cid, root.bytes)
    await store.put(leaf.cid, leaf.bytes)
    assert.equal(await store.has(leaf.cid), true)
    assert.equal(await store.has(other.cid), false)
    assert.deepEqual(await collect(store.get(root.cid)), Buffer.from(root.bytes))
    assert.equal(await store.size(root.cid), 80)
    assert.equal(await store.size(other.cid), undefined)
    await assert.rejects(collect(store.get(other.cid)), /Not Found/i)
    // the same multihash under another codec is the same block, as in the memory store
    const asDagPb = CID.createV1(0x70, leaf.cid.multihash)
    assert.equal(await store.size(asDagPb), 300)
    const all: string[] = []
    for await (const { cid, bytes } of store.getAll()) all.push(`${cid.toString()}:${(await collect(bytes)).byteLength}`)
    assert.deepEqual(all.sort(), [`${root.cid.toString()}:80`, `${leaf.cid.toString()}:300`].sort())
    await store.delete(leaf.cid)
    assert.equal(await store.has(leaf.cid), false)
    assert.equal(await store.size(leaf.cid), undefined)
  })

  it('still finds a block put as chunks', async () => {
    const [block] = await blockSet({ count: 1, size: 200, rootSize: 0 })
    const store = new SeedBlockstore()
    await store.put(block.cid, [block.bytes.subarray(0, 50), block.bytes.subarray(50)])
    assert.equal(await store.has(block.cid), true)
    assert.equal(await store.size(block.cid), 200)
    assert.deepEqual(await collect(store.get(block.cid)), Buffer.from(block.bytes))
  })

  it('lets seeds holding the same blocks share them, and keeps a write to one seed its own', async () => {
    const blocks = await blockSet({ count: 3, size: 300, rootSize: 80 })
    const [root, leaf, other] = blocks
    const stores = new SeedStores(blocks)
    const first = stores.holding([0, 1])
    const second = stores.holding([0, 1])
    const third = stores.holding([2])
    for (const store of [first, second]) {
      assert.equal(store.has(root.cid), true)
      assert.equal(store.has(other.cid), false)
      assert.equal(await store.size(leaf.cid), 300)
      assert.deepEqual(await collect(store.get(root.cid)), Buffer.from(root.bytes))
    }
    assert.equal(third.has(other.cid), true)
    assert.equal(third.has(root.cid), false)
    await first.delete(root.cid)
    await first.put(other.cid, other.bytes)
    assert.equal(first.has(root.cid), false)
    assert.equal(first.has(leaf.cid), true)
    assert.equal(first.has(other.cid), true)
    // the other seed of the same holdings, and any seed made later, still hold exactly what they were given
    for (const store of [second, stores.holding([0, 1])]) {
      assert.equal(store.has(root.cid), true)
      assert.equal(store.has(other.cid), false)
    }
    const all: string[] = []
    for await (const { cid } of first.getAll()) all.push(cid.toString())
    assert.deepEqual(all.sort(), [leaf.cid.toString(), other.cid.toString()].sort())
  })
})
