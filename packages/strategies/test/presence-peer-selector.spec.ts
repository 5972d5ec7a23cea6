import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PresencePeerSelector } from '../src/index.js'
import { cidOf, firstPlaces, seeded } from './fixtures.js'
import type { SessionPeerSelector } from '@swapwright/core'

const cid = cidOf(1)
const other = cidOf(2)

function deliverFirst (s: SessionPeerSelector, peer: string, times: number): void {
  for (let i = 0; i < times; i++) s.observe({ type: 'block', peer, cid: cidOf(100 + i), latency: 5, first: true, duplicate: false })
}

describe('PresencePeerSelector', () => {
  it('ranks HAVE before no answer before DONT_HAVE', () => {
    const s = new PresencePeerSelector(seeded(1)).forSession()
    s.observe({ type: 'dont-have', peer: 'no', cid, timedOut: false })
    s.observe({ type: 'have', peer: 'yes', cid })
    for (let i = 0; i < 20; i++) assert.deepEqual(s.rank(cid, ['no', 'quiet', 'yes']), ['yes', 'quiet', 'no'])
  })

  it('keeps what peers said about one block apart from another', () => {
    const s = new PresencePeerSelector(seeded(1)).forSession()
    s.observe({ type: 'dont-have', peer: 'a', cid, timedOut: false })
    s.observe({ type: 'have', peer: 'a', cid: other })
    assert.equal(s.rank(cid, ['a', 'b'])[1], 'a')
    assert.equal(s.rank(other, ['a', 'b'])[0], 'a')
  })

  it('ranks a peer that said HAVE and then failed last for that block; a later HAVE lifts a DONT_HAVE', () => {
    const s = new PresencePeerSelector(seeded(1)).forSession()
    s.observe({ type: 'have', peer: 'a', cid })
    s.observe({ type: 'dont-have', peer: 'a', cid, timedOut: true })
    s.observe({ type: 'dont-have', peer: 'b', cid, timedOut: false })
    s.observe({ type: 'have', peer: 'b', cid })
    assert.deepEqual(s.rank(cid, ['a', 'b', 'c']), ['b', 'c', 'a'])
  })

  it('forgets what peers said about a block once it has arrived', () => {
    const s = new PresencePeerSelector(seeded(1)).forSession()
    s.observe({ type: 'dont-have', peer: 'a', cid, timedOut: false })
    s.observe({ type: 'block', peer: 'b', cid, latency: 3, first: true, duplicate: false })
    const leads = firstPlaces(Array.from({ length: 200 }, () => s.rank(cid, ['a', 'c'])))
    assert.ok((leads.get('a') ?? 0) > 50, 'a no longer carries its DONT_HAVE')
  })

  it('gives first responders more of the ties, in proportion to first deliveries + 1', () => {
    const s = new PresencePeerSelector(seeded(42)).forSession()
    deliverFirst(s, 'fast', 9)
    const draws = 2000
    const wins = firstPlaces(Array.from({ length: draws }, () => s.rank(cid, ['slow', 'fast']))).get('fast') ?? 0
    // weights 10 and 1: the fast peer should lead about 10 times in 11
    assert.ok(wins / draws > 0.86 && wins / draws < 0.955, `fast led ${wins} of ${draws}`)
  })

  it('still gives a newcomer a chance', () => {
    const s = new PresencePeerSelector(seeded(7)).forSession()
    deliverFirst(s, 'veteran', 3)
    const ranks = Array.from({ length: 400 }, () => s.rank(cid, ['veteran', 'newcomer']))
    assert.ok((firstPlaces(ranks).get('newcomer') ?? 0) > 50)
  })

  it('does not count blocks that were not delivered first', () => {
    const s = new PresencePeerSelector(seeded(3)).forSession()
    for (let i = 0; i < 20; i++) s.observe({ type: 'block', peer: 'late', cid: cidOf(i), latency: 5, first: false, duplicate: true })
    const wins = firstPlaces(Array.from({ length: 1000 }, () => s.rank(cid, ['late', 'other']))).get('late') ?? 0
    assert.ok(wins > 430 && wins < 570, `late led ${wins} of 1000`)
  })

  it('resets a removed peer\'s first-responder count', () => {
    const s = new PresencePeerSelector(seeded(5)).forSession()
    deliverFirst(s, 'gone', 30)
    s.observe({ type: 'peer-removed', peer: 'gone' })
    s.observe({ type: 'peer-added', peer: 'gone' })
    const wins = firstPlaces(Array.from({ length: 1000 }, () => s.rank(cid, ['gone', 'other']))).get('gone') ?? 0
    assert.ok(wins > 430 && wins < 570, `gone led ${wins} of 1000`)
  })

  it('gives the same rankings for the same seed, and others for another seed', () => {
    const run = (seed: number): string[][] => {
      const s = new PresencePeerSelector(seeded(seed)).forSession()
      deliverFirst(s, 'p1', 2)
      return Array.from({ length: 20 }, () => s.rank(cid, ['p0', 'p1', 'p2', 'p3', 'p4']))
    }
    assert.deepEqual(run(11), run(11))
    assert.notDeepEqual(run(11), run(12))
  })

  it('keeps each session\'s knowledge to itself', () => {
    const selector = new PresencePeerSelector(seeded(1))
    const one = selector.forSession()
    one.observe({ type: 'dont-have', peer: 'a', cid, timedOut: false })
    one.observe({ type: 'have', peer: 'b', cid })
    const two = selector.forSession()
    two.observe({ type: 'have', peer: 'a', cid })
    assert.deepEqual(one.rank(cid, ['a', 'b']), ['b', 'a'])
    assert.deepEqual(two.rank(cid, ['a', 'b']), ['a', 'b'])
  })
})
