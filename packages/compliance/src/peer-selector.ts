/**
 * The `PeerSelector` contract: `rank()` returns given peers only, each at most once, never touches its input,
 * and one seed with one history always gives one ranking.
 * @packageDocumentation
 */
import { SeededRandom, type PeerSelector } from '@swapwright/core'
import fc from 'fast-check'
import { ok, same } from './assert.js'
import { runCasesSync, type ComplianceCase } from './case.js'
import { assertDistinct, assertName, cidIndexArb, cidOf, PEERS, peerArb, playTwins, session, type Build, type PolicyComplianceOptions } from './policy-fixtures.js'
import type { CID } from 'multiformats/cid'

export type { Build, PolicyComplianceOptions } from './policy-fixtures.js'
export type { ComplianceCase } from './case.js'

/** The cases of the `PeerSelector` contract for the selector `build` makes. */
export function peerSelectorCases (build: Build<PeerSelector>, options: PolicyComplianceOptions = {}): ComplianceCase[] {
  const cids = new Map<number, CID>()
  const cid = cidIndexArb.map(n => cidOf(n, cids))
  return [{
    name: 'has a name and ranks no peers as no peers',
    run: () => {
      assertName(build(new SeededRandom(1)).name)
      same(build(new SeededRandom(1)).forSession(session()).rank(cidOf(0, cids), []), [], 'rank() of no peers')
    }
  }, {
    name: 'ranks given peers only, each once, the same for the same seed and history',
    run: () => {
      const rank = fc.record({ cid, peers: fc.uniqueArray(peerArb, { maxLength: PEERS.length }) })
      playTwins(build, cid, rank, (one, two, step) => {
        const given = Object.freeze([...step.peers])
        const ranked = one.rank(step.cid, given)
        assertDistinct(ranked, 'rank()')
        for (const p of ranked) ok(given.includes(p), `rank() invented peer ${p}`)
        same(two.rank(step.cid, given), ranked, 'the same seed and history must give the same ranking')
      }, options)
    }
  }]
}

/** Every `PeerSelector` case, run in turn; throws on the first broken rule. */
export function checkPeerSelector (build: Build<PeerSelector>, options: PolicyComplianceOptions = {}): void {
  runCasesSync(peerSelectorCases(build, options))
}
