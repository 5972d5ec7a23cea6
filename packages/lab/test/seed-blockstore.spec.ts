import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import { blockSet } from '../src/index.js'
import { SeedBlockstore } from '../src/run/seed-blockstore.js'

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
})
