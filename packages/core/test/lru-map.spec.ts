import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { LruMap } from '../src/util/lru-map.js'

/*
 * LruMap evicts through an iterator kept across evictions (a fresh one per eviction walked every deleted entry
 * first). These check that it still forgets exactly the least recently used entry, against a model that keeps
 * the order in an array, through long runs of sets, gets and deletes that evict many times over.
 */

/** The reference: keys in order of use, oldest first. */
class ModelLru {
  readonly order: number[] = []
  readonly values = new Map<number, number>()
  constructor (readonly capacity: number) {}
  get (key: number): number | undefined {
    const value = this.values.get(key)
    if (value !== undefined) this.touch(key)
    return value
  }

  set (key: number, value: number): void {
    this.values.set(key, value)
    this.touch(key)
    if (this.order.length > this.capacity) this.values.delete(this.order.shift() as number)
  }

  delete (key: number): void {
    this.values.delete(key)
    const at = this.order.indexOf(key)
    if (at >= 0) this.order.splice(at, 1)
  }

  private touch (key: number): void {
    const at = this.order.indexOf(key)
    if (at >= 0) this.order.splice(at, 1)
    this.order.push(key)
  }
}

describe('LruMap', () => {
  it('forgets the least recently used entry, a get counting as a use', () => {
    const lru = new LruMap<string, number>(3)
    lru.set('a', 1)
    lru.set('b', 2)
    lru.set('c', 3)
    assert.equal(lru.get('a'), 1)
    lru.set('d', 4)
    assert.equal(lru.get('b'), undefined)
    lru.set('e', 5)
    assert.equal(lru.get('c'), undefined)
    assert.deepEqual(['a', 'd', 'e'].map(k => lru.get(k)), [1, 4, 5])
    assert.equal(lru.size, 3)
  })

  it('matches a reference model over long runs of sets, gets and deletes (property)', () => {
    const op = fc.tuple(fc.constantFrom('set', 'set', 'get', 'delete'), fc.integer({ min: 0, max: 40 }))
    fc.assert(fc.property(fc.integer({ min: 0, max: 8 }), fc.array(op, { maxLength: 400 }), (capacity, ops) => {
      const lru = new LruMap<number, number>(capacity)
      const model = new ModelLru(capacity)
      ops.forEach(([kind, key], i) => {
        if (kind === 'set') {
          lru.set(key, i)
          model.set(key, i)
        } else if (kind === 'get') {
          assert.equal(lru.get(key), model.get(key))
        } else {
          lru.delete(key)
          model.delete(key)
        }
        assert.equal(lru.size, model.values.size)
      })
      for (let key = 0; key <= 40; key++) assert.equal(lru.get(key) !== undefined, model.values.has(key), `key ${key}`)
    }), { numRuns: 200 })
  })
})
