import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { OptimisticRequestSplitter } from '../src/index.js'
import { cidOf, want } from './fixtures.js'
import type { PendingWant, WantAssignment } from '@swapwright/core'

const brief = (assigned: WantAssignment[]): string[] => assigned.map(a => `${a.wantType}:${a.peer}`)

describe('OptimisticRequestSplitter', () => {
  const cid = cidOf(1)

  it('sends one WANT_BLOCK to the best peer and WANT_HAVE to every other', () => {
    const s = new OptimisticRequestSplitter().forSession()
    assert.deepEqual(brief(s.split([want(cid, ['a', 'b', 'c'])])), ['block:a', 'have:b', 'have:c'])
  })

  it('sends no second WANT_BLOCK while a peer holds one, and asks only peers not yet asked', () => {
    const s = new OptimisticRequestSplitter().forSession()
    assert.deepEqual(brief(s.split([want(cid, ['a', 'b', 'c', 'd'], { block: ['b'], have: ['a'] })])), ['have:c', 'have:d'])
  })

  it('moves the WANT_BLOCK on to the next peer once the best one said DONT_HAVE', () => {
    const s = new OptimisticRequestSplitter().forSession()
    s.observe({ type: 'dont-have', peer: 'a', cid, timedOut: false })
    assert.deepEqual(brief(s.split([want(cid, ['a', 'b', 'c'], { have: ['b', 'c'] })])), ['block:b'])
  })

  it('forgets a DONT_HAVE when the peer later says HAVE', () => {
    const s = new OptimisticRequestSplitter().forSession()
    s.observe({ type: 'dont-have', peer: 'a', cid, timedOut: true })
    s.observe({ type: 'have', peer: 'a', cid })
    assert.deepEqual(brief(s.split([want(cid, ['a', 'b'], { have: ['a', 'b'] })])), ['block:a'])
  })

  it('waits for new peers when every ranked peer said DONT_HAVE', () => {
    const s = new OptimisticRequestSplitter().forSession()
    for (const peer of ['a', 'b']) s.observe({ type: 'dont-have', peer, cid, timedOut: false })
    assert.deepEqual(s.split([want(cid, ['a', 'b'])]), [])
  })

  it('once two peers proved they hold the blocks, sends each want to one of them as WANT_BLOCK only; an unproven peer still hears WANT_HAVE', () => {
    const s = new OptimisticRequestSplitter({ provenAfter: 4 }).forSession()
    const peers = ['a', 'b', 'c']
    // Three HAVEs are not yet the four answers in a row needed.
    for (const [i, peer] of ['a', 'b', 'a'].entries()) s.observe({ type: 'have', peer, cid: cidOf(10 + i) })
    assert.deepEqual(brief(s.split([want(cidOf(20), peers)])), ['block:a', 'have:b', 'have:c'])
    s.observe({ type: 'block', peer: 'b', cid: cidOf(13), latency: 5, first: true, duplicate: false })
    // a and b proved themselves: the best of them gets the WANT_BLOCK, c (never heard from) a WANT_HAVE
    assert.deepEqual(brief(s.split([want(cidOf(21), ['c', 'b', 'a'])])), ['block:b', 'have:c'])
    // a refusal from c, never proven, changes nothing
    s.observe({ type: 'dont-have', peer: 'c', cid: cidOf(22), timedOut: false })
    assert.deepEqual(brief(s.split([want(cidOf(23), peers)])), ['block:a', 'have:c'])
    // a proven peer failing starts the count over: every peer is asked again
    s.observe({ type: 'dont-have', peer: 'a', cid: cidOf(24), timedOut: true })
    assert.deepEqual(brief(s.split([want(cidOf(25), peers)])), ['block:a', 'have:b', 'have:c'])
  })

  it('deals wants over the proven peers by their unanswered WANT_BLOCKs, whatever the ranking says, and refills a peer as it delivers', () => {
    const prove = (s: ReturnType<OptimisticRequestSplitter['forSession']>): void => {
      for (const [i, peer] of ['a', 'b', 'c', 'a'].entries()) s.observe({ type: 'have', peer, cid: cidOf(10 + i) })
    }
    const s = new OptimisticRequestSplitter({ provenAfter: 4, spreadProven: true }).forSession()
    prove(s)
    // the ranking puts a first every time (as a lottery favouring a fast peer might): the load still spreads
    const wants = Array.from({ length: 9 }, (_, i) => want(cidOf(100 + i), ['a', 'b', 'c']))
    const first = s.split(wants)
    const count = (assigned: WantAssignment[], peer: string): number => assigned.filter(a => a.peer === peer && a.wantType === 'block').length
    assert.deepEqual(['a', 'b', 'c'].map(peer => count(first, peer)), [3, 3, 3])
    // b delivers its three: the next three wants go to b
    for (const a of first.filter(a => a.peer === 'b')) s.observe({ type: 'block', peer: 'b', cid: a.cid, latency: 1, first: true, duplicate: false })
    const next = s.split(Array.from({ length: 3 }, (_, i) => want(cidOf(200 + i), ['a', 'b', 'c'])))
    assert.deepEqual(['a', 'b', 'c'].map(peer => count(next, peer)), [0, 3, 0])
    // without spreading (the default), the best ranked proven peer takes every want
    const plain = new OptimisticRequestSplitter({ provenAfter: 4 }).forSession()
    prove(plain)
    assert.deepEqual(['a', 'b', 'c'].map(peer => count(plain.split(wants), peer)), [9, 0, 0])
  })

  it('with spreadUnproven, deals WANT_BLOCKs by load before any peer is proven, skipping peers that refused', () => {
    const count = (assigned: WantAssignment[], peer: string): number => assigned.filter(a => a.peer === peer && a.wantType === 'block').length
    const peers = ['a', 'b', 'c', 'd']
    // small blocks, asked one peer at a time; the ranking puts a first every time, as the lottery after a's root
    const wants = (from: number): PendingWant[] => Array.from({ length: 8 }, (_, i) => ({ ...want(cidOf(from + i), peers), haveAnswersWithBlock: true }))
    const s = new OptimisticRequestSplitter({ spreadUnproven: true }).forSession()
    const spread = s.split(wants(100))
    assert.deepEqual(peers.map(peer => count(spread, peer)), [2, 2, 2, 2])
    // d refused this want: it goes to the lightest of the others, the ranking breaking the tie
    s.observe({ type: 'dont-have', peer: 'd', cid: cidOf(300), timedOut: false })
    assert.deepEqual(brief(s.split([{ ...want(cidOf(300), ['d', 'c', 'b', 'a']), haveAnswersWithBlock: true }])), ['block:c'])
    // without it (the default), the best ranked peer takes every want until peers are proven
    const plain = new OptimisticRequestSplitter().forSession().split(wants(100))
    assert.deepEqual(peers.map(peer => count(plain, peer)), [8, 0, 0, 0])
  })

  it('asks every peer WANT_HAVE whatever they proved when provenQuorum is 0, as Go does', () => {
    const s = new OptimisticRequestSplitter({ provenQuorum: 0, provenAfter: 1 }).forSession()
    for (const peer of ['a', 'b']) s.observe({ type: 'have', peer, cid: cidOf(10) })
    assert.deepEqual(brief(s.split([want(cidOf(20), ['a', 'b'])])), ['block:a', 'have:b'])
    assert.throws(() => new OptimisticRequestSplitter({ provenAfter: 0 }), RangeError)
  })

  it('keeps no window unless given one, and refuses a bad one', () => {
    assert.equal(new OptimisticRequestSplitter().forSession().maxLiveWants, undefined)
    assert.equal(new OptimisticRequestSplitter({ maxLiveWants: 32 }).forSession().maxLiveWants, 32)
    assert.throws(() => new OptimisticRequestSplitter({ maxLiveWants: 0 }), RangeError)
  })

  it('keeps DONT_HAVEs per session', () => {
    const splitter = new OptimisticRequestSplitter()
    const first = splitter.forSession()
    first.observe({ type: 'dont-have', peer: 'a', cid, timedOut: false })
    assert.deepEqual(brief(splitter.forSession().split([want(cid, ['a'])])), ['block:a'])
  })

  it('handles each want on its own', () => {
    const s = new OptimisticRequestSplitter().forSession()
    const assigned = s.split([want(cidOf(1), ['a', 'b']), want(cidOf(2), ['b', 'a'])])
    assert.deepEqual(assigned.map(a => `${a.wantType}:${a.peer}:${a.cid.equals(cidOf(1)) ? 1 : 2}`), ['block:a:1', 'have:b:1', 'block:b:2', 'have:a:2'])
  })
  it('once the WANT_BLOCK is out, asks only the peers that joined since, without reading the ranking', () => {
    const s = new OptimisticRequestSplitter().forSession()
    const peers = new Set<string>()
    const join = (peer: string): void => {
      peers.add(peer)
      s.observe({ type: 'peer-added', peer })
    }
    join('a')
    join('b')
    assert.deepEqual(brief(s.split([{ ...want(cid, ['a', 'b']), peers }])), ['block:a', 'have:b'])
    join('c')
    join('d')
    s.observe({ type: 'dont-have', peer: 'd', cid, timedOut: false })
    peers.delete('b')
    s.observe({ type: 'peer-removed', peer: 'b' })
    const unranked = (asked: string[]): PendingWant => ({
      cid,
      peers,
      blockSentTo: new Set(['a']),
      haveSentTo: new Set(asked),
      get ranked (): string[] { throw new Error('ranked was read') }
    })
    // c joined and was never asked; d refused it; b left
    assert.deepEqual(brief(s.split([unranked([])])), ['have:c'])
    assert.deepEqual(brief(s.split([unranked(['c'])])), [])
    // a failed target releases the want: a full split over the ranking again
    assert.deepEqual(brief(s.split([{ ...want(cid, ['c', 'a']), peers, haveSentTo: new Set(['c']) }])), ['block:c', 'have:a'])
  })
})
