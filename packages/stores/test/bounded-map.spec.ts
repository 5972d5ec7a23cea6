import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { boundedMap } from '../src/bounded-map.js'

async function toArray<T> (source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of source) out.push(item)
  return out
}

describe('boundedMap', () => {
  it('never has more than the limit in flight, and yields in input order', async () => {
    let running = 0
    let peak = 0
    const results = await toArray(boundedMap(Array.from({ length: 40 }, (_, i) => i), 5, async i => {
      running++
      peak = Math.max(peak, running)
      for (let turn = 0; turn < (i * 7) % 5; turn++) await nextTurn()
      running--
      return i * 2
    }))
    assert.deepEqual(results, Array.from({ length: 40 }, (_, i) => i * 2))
    assert.equal(peak, 5)
  })

  it('rethrows the first failure in order without leaving unhandled rejections', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => { unhandled.push(reason) }
    process.on('unhandledRejection', onUnhandled)
    try {
      await assert.rejects(toArray(boundedMap([1, 2, 3, 4], 4, async i => {
        await nextTurn()
        if (i >= 2) throw new Error(`item ${i}`)
        return i
      })), { message: 'item 2' })
      for (let turn = 0; turn < 5; turn++) await nextTurn()
      assert.deepEqual(unhandled, [])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('rejects a limit below one', async () => {
    await assert.rejects(toArray(boundedMap([1], 0, async i => i)), RangeError)
  })
})
