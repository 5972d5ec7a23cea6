import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FairDecisionStrategy, OptimisticRequestSplitter, RandomPeerSelector } from '../src/index.js'
import { checkDecisionStrategy } from '@swapwright/compliance/decision-strategy'
import { checkPeerSelector } from '@swapwright/compliance/peer-selector'
import { checkRequestSplitter } from '@swapwright/compliance/request-splitter'
import type { DecisionStrategy, PeerSelector, RequestSplitter } from '@swapwright/core'

/** The messages of an error and of its causes: the check names its case, fast-check the broken rule. */
function messages (err: unknown): string {
  return err instanceof Error ? `${err.message} ${messages(err.cause)}` : ''
}

function failsWith (check: () => void, rule: RegExp): void {
  assert.throws(check, (err: Error) => rule.test(messages(err)))
}

// the checks are only worth running against real plugins if they catch broken ones
describe('compliance checks', () => {
  it('reject a selector that invents a peer', () => {
    const broken: PeerSelector = { name: 'ghost', forSession: () => ({ rank: (_cid, peers) => peers.length > 0 ? [...peers, 'ghost'] : [], observe: () => {} }) }
    failsWith(() => { checkPeerSelector(() => broken) }, /invented peer ghost/)
  })

  it('reject a selector that repeats a peer', () => {
    const broken: PeerSelector = { name: 'echo', forSession: () => ({ rank: (_cid, peers) => [...peers, ...peers.slice(0, 1)], observe: () => {} }) }
    failsWith(() => { checkPeerSelector(() => broken) }, /repeats/)
  })

  it('reject a selector whose order ignores the seed it was given', () => {
    const broken: PeerSelector = { name: 'unseeded', forSession: () => new RandomPeerSelector({ next: Math.random }).forSession() }
    failsWith(() => { checkPeerSelector(() => broken) }, /same seed/)
  })

  it('reject a splitter that sends to a peer not ranked for the want', () => {
    const honest = new OptimisticRequestSplitter()
    const broken: RequestSplitter = {
      name: 'stray',
      forSession: () => {
        const inner = honest.forSession()
        return { split: wants => [...inner.split(wants), ...wants.slice(0, 1).map(w => ({ peer: 'stranger', cid: w.cid, wantType: 'have' as const }))], observe: f => { inner.observe(f) } }
      }
    }
    failsWith(() => { checkRequestSplitter(() => broken) }, /not ranked/)
  })

  it('reject a peer order that is not antisymmetric', () => {
    const broken: DecisionStrategy = Object.assign(new FairDecisionStrategy({ next: () => 0.5 }), { comparePeers: () => -1 })
    failsWith(() => { checkDecisionStrategy(() => broken) }, /must be 0|antisymmetric/)
  })

  it('reject an eviction that overfills the ledger', () => {
    const broken: DecisionStrategy = Object.assign(new FairDecisionStrategy({ next: () => 0.5 }), {
      evict: (_current: unknown, incoming: ReadonlyArray<{ cid: any }>) => ({ evict: [], accept: incoming.map(w => w.cid) })
    })
    failsWith(() => { checkDecisionStrategy(() => broken) }, /limit/)
  })
})
