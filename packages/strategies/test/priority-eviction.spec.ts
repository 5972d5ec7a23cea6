import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { evictByPriority } from '../src/index.js'
import { cidOf, ledgerWant } from './fixtures.js'
import type { EvictionDecision, LedgerWantView } from '@swapwright/core'

/** The decision as want numbers (cidOf(n) ↔ n), for readable assertions. */
function numbers ({ evict, accept }: EvictionDecision, all: readonly LedgerWantView[]): { evict: number[], accept: number[] } {
  const number = (cid: ReturnType<typeof cidOf>): number => all.find(w => w.cid.equals(cid))?.seq ?? -1
  return { evict: evict.map(number).sort((a, b) => a - b), accept: accept.map(number).sort((a, b) => a - b) }
}

describe('evictByPriority', () => {
  it('takes everything that fits and evicts nothing', () => {
    const current = [ledgerWant(0, 1), ledgerWant(1, 1)]
    const incoming = [ledgerWant(2, 1), ledgerWant(3, 1)]
    assert.deepEqual(numbers(evictByPriority(current, incoming, 4), [...current, ...incoming]), { evict: [], accept: [2, 3] })
  })

  it('makes room from wants for blocks we lack first, whatever their priority', () => {
    const current = [ledgerWant(0, 1), ledgerWant(1, 9, false), ledgerWant(2, 1)]
    const incoming = [ledgerWant(3, 1)]
    assert.deepEqual(numbers(evictByPriority(current, incoming, 3), [...current, ...incoming]), { evict: [1], accept: [3] })
  })

  it('then gives up lower-priority wants, lowest first, for higher-priority ones', () => {
    const current = [ledgerWant(0, 5), ledgerWant(1, 2), ledgerWant(2, 3)]
    const incoming = [ledgerWant(3, 4), ledgerWant(4, 9)]
    assert.deepEqual(numbers(evictByPriority(current, incoming, 3), [...current, ...incoming]), { evict: [1, 2], accept: [3, 4] })
  })

  it('never evicts for a want of equal or lower priority', () => {
    const current = [ledgerWant(0, 5), ledgerWant(1, 5)]
    const incoming = [ledgerWant(2, 5), ledgerWant(3, 1), ledgerWant(4, 6)]
    assert.deepEqual(numbers(evictByPriority(current, incoming, 2), [...current, ...incoming]), { evict: [0], accept: [4] })
  })

  it('takes the most important incoming wants when only some fit', () => {
    const incoming = [ledgerWant(0, 1), ledgerWant(1, 7), ledgerWant(2, 3)]
    assert.deepEqual(numbers(evictByPriority([], incoming, 2), incoming), { evict: [], accept: [1, 2] })
  })

  it('needs no room for a want the ledger already holds', () => {
    const current = [ledgerWant(0, 5), ledgerWant(1, 5)]
    const incoming = [ledgerWant(1, 9), ledgerWant(2, 1)]
    assert.deepEqual(numbers(evictByPriority(current, incoming, 2), [...current, ...incoming]), { evict: [], accept: [1] })
  })

  it('leaves at most limit wants, and only trades a servable want for a strictly more important one', () => {
    const wantArb = fc.record({ priority: fc.integer({ min: 0, max: 4 }), have: fc.boolean() })
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 10 }).chain(limit => fc.tuple(fc.constant(limit), fc.array(wantArb, { maxLength: limit }), fc.array(wantArb, { maxLength: 10 }))),
      ([limit, held, offered]) => {
        const current = held.map((w, i) => ledgerWant(i, w.priority, w.have))
        const incoming = offered.map((w, i) => ledgerWant(100 + i, w.priority, w.have))
        const decision = evictByPriority(current, incoming, limit)
        assert.ok(current.length - decision.evict.length + decision.accept.length <= limit)
        const priorityOf = (cid: ReturnType<typeof cidOf>): number => [...current, ...incoming].find(w => w.cid.equals(cid))?.priority ?? NaN
        const servableVictims = decision.evict.filter(cid => current.find(w => w.cid.equals(cid))?.have === true).map(priorityOf)
        const accepted = decision.accept.map(priorityOf)
        for (const victim of servableVictims) assert.ok(accepted.every(p => p > victim), `evicted a priority ${victim} want to take ${accepted.join(', ')}`)
        // nothing is evicted that was not needed
        if (current.length + incoming.length <= limit) assert.equal(decision.evict.length, 0)
      }
    ), { numRuns: 80 })
  })
})
