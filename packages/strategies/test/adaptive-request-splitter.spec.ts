import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { AdaptiveRequestSplitter, type AdaptiveSplitSession } from '../src/index.js'
import { cidOf, want } from './fixtures.js'
import type { PendingWant } from '@swapwright/core'

const start = (init = {}): AdaptiveSplitSession => new AdaptiveRequestSplitter(init).forSession() as AdaptiveSplitSession

function receive (s: AdaptiveSplitSession, duplicate: boolean, times = 1): void {
  for (let i = 0; i < times; i++) s.observe({ type: 'block', peer: 'a', cid: cidOf(i), latency: 10, first: !duplicate, duplicate })
}

/** Who got each want, as `n:peer,peer`. */
function dealt (s: AdaptiveSplitSession, wants: PendingWant[]): string[] {
  const assigned = s.split(wants)
  assert.ok(assigned.every(a => a.wantType === 'block'), 'the 2019 design only knew WANT_BLOCK')
  return wants.map((w, n) => `${n}:${assigned.filter(a => a.cid.equals(w.cid)).map(a => a.peer).join(',')}`)
}

describe('AdaptiveRequestSplitter', () => {
  const peers = ['p0', 'p1', 'p2', 'p3']

  it('starts at a split of 2 and deals peers and wants round-robin', () => {
    const s = start()
    assert.equal(s.splitFactor, 2)
    const wants = [0, 1, 2, 3].map(n => want(cidOf(n), peers))
    assert.deepEqual(dealt(s, wants), ['0:p0,p2', '1:p1,p3', '2:p0,p2', '3:p1,p3'])
  })

  it('never uses more groups than there are peers', () => {
    const s = start({ initialSplit: 8 })
    assert.deepEqual(dealt(s, [want(cidOf(0), ['p0', 'p1']), want(cidOf(1), ['p0', 'p1']), want(cidOf(2), ['p0', 'p1'])]), ['0:p0', '1:p1', '2:p0'])
    assert.deepEqual(dealt(start({ initialSplit: 8 }), [want(cidOf(0), ['p0'])]), ['0:p0'])
  })

  it('spreads one-want refills over the groups instead of always using the first', () => {
    const s = start({ initialSplit: 4 })
    const refills = [0, 1, 2, 3, 4].map(n => dealt(s, [want(cidOf(n), peers)])[0].split(':')[1])
    assert.deepEqual(refills, ['p0', 'p1', 'p2', 'p3', 'p0'])
  })

  it('leaves a want alone while some peer already holds its WANT_BLOCK', () => {
    assert.deepEqual(start().split([want(cidOf(0), peers, { block: ['p1'] })]), [])
  })

  it('skips peers that let the want time out', () => {
    const s = start({ initialSplit: 1 })
    s.observe({ type: 'dont-have', peer: 'p0', cid: cidOf(0), timedOut: true })
    assert.deepEqual(dealt(s, [want(cidOf(0), peers)]), ['0:p1,p2,p3'])
  })

  it('does not react to duplicates until more than two blocks came in', () => {
    const s = start()
    receive(s, true, 2)
    assert.equal(s.splitFactor, 2)
    receive(s, true)
    assert.equal(s.splitFactor, 3)
  })

  it('splits further after many duplicates, up to 16', () => {
    const s = start()
    receive(s, true, 100)
    assert.equal(s.splitFactor, 16)
  })

  it('splits less after many unique blocks, down to 1', () => {
    const s = start({ initialSplit: 10 })
    receive(s, false, 100)
    assert.equal(s.splitFactor, 1)
  })

  it('holds steady while the duplicate ratio stays between 0.2 and 0.4', () => {
    const s = start({ initialSplit: 5 })
    // ratios after each block: 1, .5, .33, .25, .4, .33, .29, .38
    for (const duplicate of [true, false, false, false, true, false, false, true]) {
      receive(s, duplicate)
      assert.equal(s.splitFactor, 5)
    }
  })

  it('stays within its bounds whatever arrives', () => {
    fc.assert(fc.property(fc.array(fc.boolean(), { maxLength: 200 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 4, max: 16 }), (dups, min, max) => {
      const s = start({ minSplit: min, maxSplit: max })
      for (const duplicate of dups) {
        receive(s, duplicate)
        assert.ok(s.splitFactor >= min && s.splitFactor <= max, `split ${s.splitFactor} outside ${min}..${max}`)
      }
    }), { numRuns: 50 })
  })

  it('keeps each session\'s split to itself', () => {
    const splitter = new AdaptiveRequestSplitter()
    const busy = splitter.forSession() as AdaptiveSplitSession
    receive(busy, true, 20)
    assert.ok(busy.splitFactor > 2)
    assert.equal((splitter.forSession() as AdaptiveSplitSession).splitFactor, 2)
  })

  it('rejects impossible settings', () => {
    assert.throws(() => new AdaptiveRequestSplitter({ minSplit: 0 }), RangeError)
    assert.throws(() => new AdaptiveRequestSplitter({ minSplit: 4, maxSplit: 2 }), RangeError)
    assert.throws(() => new AdaptiveRequestSplitter({ initialSplit: 17 }), RangeError)
    assert.equal((new AdaptiveRequestSplitter({ minSplit: 3 }).forSession() as AdaptiveSplitSession).splitFactor, 3)
    assert.throws(() => new AdaptiveRequestSplitter({ duplicateSendersJoin: 'yes' as unknown as boolean }), /duplicateSendersJoin must be a boolean/)
  })

  it('lets a duplicate\'s sender join the session, as in 2019, unless told not to', () => {
    assert.equal(start().duplicateSendersJoin, true)
    assert.equal(start({ duplicateSendersJoin: false }).duplicateSendersJoin, false)
  })
})
