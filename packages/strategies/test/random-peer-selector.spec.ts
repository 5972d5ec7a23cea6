import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RandomPeerSelector } from '../src/index.js'
import { cidOf, firstPlaces, peerNames, seeded } from './fixtures.js'

describe('RandomPeerSelector', () => {
  const peers = peerNames(8)

  it('returns every peer once', () => {
    assert.deepEqual(new RandomPeerSelector(seeded(1)).forSession().rank(cidOf(1), peers).sort(), [...peers].sort())
  })

  it('repeats its order for the same seed', () => {
    const run = (seed: number): string[] => new RandomPeerSelector(seeded(seed)).forSession().rank(cidOf(1), peers)
    assert.deepEqual(run(3), run(3))
    assert.notDeepEqual(run(3), run(4))
  })

  it('gives every peer a turn at the front', () => {
    const s = new RandomPeerSelector(seeded(2)).forSession()
    const leads = firstPlaces(Array.from({ length: 800 }, () => s.rank(cidOf(1), peers)))
    for (const peer of peers) assert.ok((leads.get(peer) ?? 0) > 60, `${peer} led ${leads.get(peer) ?? 0} times`)
  })
})
