import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { VirtualClock } from '@swapwright/core'
import { DelayedBlockstore, MemoryBlockstore } from '@swapwright/stores'
import { blockSet } from '../src/index.js'

async function collect (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<number> {
  let bytes = 0
  for await (const chunk of source) bytes += chunk.byteLength
  return bytes
}

describe('DelayedBlockstore (in @swapwright/stores)', () => {
  it('makes get, has and put wait their delay on the injected clock', async () => {
    const clock = new VirtualClock()
    const [block] = await blockSet({ count: 1, size: 100, rootSize: 0 })
    const store = new DelayedBlockstore(new MemoryBlockstore(), { clock, delay: { get: 25, has: 5, put: 40 } })
    await clock.run(async () => store.put(block.cid, block.bytes))
    assert.equal(clock.now(), 40)
    assert.equal(await clock.run(async () => store.has(block.cid)), true)
    assert.equal(clock.now(), 45)
    assert.equal(await clock.run(async () => collect(store.get(block.cid))), 100)
    assert.equal(clock.now(), 70)
  })

  it('waits nothing (and sets no timer) for a zero delay', async () => {
    const clock = new VirtualClock()
    const [block] = await blockSet({ count: 1, size: 100, rootSize: 0 })
    const store = new DelayedBlockstore(new MemoryBlockstore(), { clock, delay: 0 })
    await store.put(block.cid, block.bytes)
    assert.equal(await store.has(block.cid), true)
    assert.equal(clock.pending, 0)
  })

  it('gives up its wait when the signal aborts, and rejects bad delays', async () => {
    const clock = new VirtualClock()
    const [block] = await blockSet({ count: 1, size: 100, rootSize: 0 })
    const store = new DelayedBlockstore(new MemoryBlockstore(), { clock, delay: 1000 })
    const controller = new AbortController()
    const pending = store.has(block.cid, { signal: controller.signal })
    controller.abort()
    await assert.rejects(pending, (err: Error) => err.name === 'AbortError' || /abort/i.test(err.message))
    assert.equal(clock.pending, 0)
    assert.throws(() => new DelayedBlockstore(new MemoryBlockstore(), { clock, delay: -1 }), RangeError)
  })
})
