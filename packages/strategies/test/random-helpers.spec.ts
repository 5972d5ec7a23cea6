import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SaltedPeerOrder, shuffle, weightedOrder } from '../src/index.js'
import { firstPlaces, peerNames, seeded } from './fixtures.js'

describe('random helpers', () => {
  it('weightedOrder puts an item first in proportion to its weight', () => {
    const random = seeded(8)
    const weights: Record<string, number> = { a: 1, b: 3, c: 6 }
    const draws = 5000
    const leads = firstPlaces(Array.from({ length: draws }, () => weightedOrder(['a', 'b', 'c'], item => weights[item], random)))
    for (const [item, weight] of Object.entries(weights)) {
      const share = (leads.get(item) ?? 0) / draws
      assert.ok(Math.abs(share - weight / 10) < 0.03, `${item} led ${share}, expected about ${weight / 10}`)
    }
  })

  it('weightedOrder refuses weights that are not positive', () => {
    assert.throws(() => weightedOrder(['a'], () => 0, seeded(1)), RangeError)
  })

  it('shuffle returns a permutation and leaves its input alone', () => {
    const input = Object.freeze(peerNames(10))
    const out = shuffle(input, seeded(4))
    assert.deepEqual([...out].sort(), [...input].sort())
    assert.notDeepEqual(out, input)
  })

  it('SaltedPeerOrder is a total order that differs between salts', () => {
    const peers = peerNames(20)
    const orders = [1, 2].map(seed => {
      const order = new SaltedPeerOrder(seeded(seed))
      for (const a of peers) {
        assert.equal(order.compare(a, a), 0)
        for (const b of peers) if (a !== b) assert.equal(Math.sign(order.compare(a, b)), -Math.sign(order.compare(b, a)))
      }
      return [...peers].sort((a, b) => order.compare(a, b))
    })
    assert.notDeepEqual(orders[0], orders[1])
  })
})
