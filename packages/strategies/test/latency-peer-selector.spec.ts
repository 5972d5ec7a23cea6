import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LatencyPeerSelector, type LatencyPeerSelectorInit } from '../src/index.js'
import { cidOf, peerNames, seeded } from './fixtures.js'
import type { SessionPeerSelector } from '@swapwright/core'

const cid = cidOf(1)
const start = (init: LatencyPeerSelectorInit = {}, seed = 1): SessionPeerSelector => new LatencyPeerSelector(seeded(seed), init).forSession()
const answered = (s: SessionPeerSelector, peer: string, latency: number): void => {
  s.observe({ type: 'block', peer, cid: cidOf(latency), latency, first: true, duplicate: false })
}

describe('LatencyPeerSelector', () => {
  it('puts measured peers first, fastest first, then the rest', () => {
    const s = start()
    answered(s, 'slow', 300)
    answered(s, 'fast', 20)
    const ranked = s.rank(cid, ['new-1', 'slow', 'new-2', 'fast'])
    assert.deepEqual(ranked.slice(0, 2), ['fast', 'slow'])
    assert.deepEqual([...ranked.slice(2)].sort(), ['new-1', 'new-2'])
  })

  it('sets latency from the first sample and blends later ones with weight alpha', () => {
    const s = start()
    answered(s, 'steady', 250)
    answered(s, 'a', 100)
    answered(s, 'a', 300) // 0.5 × 300 + 0.5 × 100 = 200
    assert.deepEqual(s.rank(cid, ['steady', 'a']), ['a', 'steady'])
    answered(s, 'a', 400) // 0.5 × 400 + 0.5 × 200 = 300
    assert.deepEqual(s.rank(cid, ['steady', 'a']), ['steady', 'a'])
  })

  it('honours another alpha', () => {
    const s = start({ alpha: 0.1 })
    answered(s, 'steady', 150)
    answered(s, 'a', 100)
    answered(s, 'a', 1000) // 0.1 × 1000 + 0.9 × 100 = 190
    assert.deepEqual(s.rank(cid, ['a', 'steady']), ['steady', 'a'])
  })

  it('charges a timed-out want as a slow answer, and ignores a plain DONT_HAVE', () => {
    const s = start({ timeoutPenaltyMs: 5000 })
    answered(s, 'ok', 1000)
    s.observe({ type: 'dont-have', peer: 'silent', cid, timedOut: true })
    s.observe({ type: 'dont-have', peer: 'honest', cid, timedOut: false })
    assert.deepEqual(s.rank(cid, ['honest', 'silent', 'ok']), ['ok', 'silent', 'honest'])
  })

  it('ignores blocks without a latency sample', () => {
    const s = start()
    answered(s, 'measured', 100)
    s.observe({ type: 'block', peer: 'unasked', cid, latency: undefined, first: true, duplicate: false })
    assert.deepEqual(s.rank(cid, ['unasked', 'measured']), ['measured', 'unasked'])
  })

  it('returns at most maxPeers', () => {
    const peers = peerNames(50)
    assert.equal(start().rank(cid, peers).length, 32)
    const s = start({ maxPeers: 3 })
    answered(s, 'peer-40', 5)
    const ranked = s.rank(cid, peers)
    assert.equal(ranked.length, 3)
    assert.equal(ranked[0], 'peer-40')
  })

  it('forgets a removed peer\'s latency', () => {
    const s = start()
    answered(s, 'a', 10)
    answered(s, 'b', 20)
    s.observe({ type: 'peer-removed', peer: 'a' })
    assert.equal(s.rank(cid, ['a', 'b'])[0], 'b')
  })

  it('orders unmeasured peers the same way for the same seed', () => {
    const peers = peerNames(10)
    assert.deepEqual(start({}, 9).rank(cid, peers), start({}, 9).rank(cid, peers))
    assert.notDeepEqual(start({}, 9).rank(cid, peers), start({}, 10).rank(cid, peers))
  })

  it('rejects impossible settings', () => {
    assert.throws(() => new LatencyPeerSelector(seeded(1), { maxPeers: 0 }), RangeError)
    assert.throws(() => new LatencyPeerSelector(seeded(1), { alpha: 0 }), RangeError)
    assert.throws(() => new LatencyPeerSelector(seeded(1), { alpha: 1.5 }), RangeError)
    assert.throws(() => new LatencyPeerSelector(seeded(1), { timeoutPenaltyMs: -1 }), RangeError)
  })
})
