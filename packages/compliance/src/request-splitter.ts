/**
 * The `RequestSplitter` contract: `split()` only pairs a want's CID with peers ranked for it, once per pair,
 * with a known want type, and one seed with one history always gives one split.
 * @packageDocumentation
 */
import { SeededRandom, type RequestSplitter, type WantAssignment } from '@swapwright/core'
import fc from 'fast-check'
import { ok, same } from './assert.js'
import { runCasesSync, type ComplianceCase } from './case.js'
import { assertDistinct, assertName, cidIndexArb, cidOf, PEERS, peerArb, pendingWant, playTwins, session, type Build, type PolicyComplianceOptions } from './policy-fixtures.js'
import type { CID } from 'multiformats/cid'

export type { Build, PolicyComplianceOptions } from './policy-fixtures.js'
export type { ComplianceCase } from './case.js'

/** The cases of the `RequestSplitter` contract for the splitter `build` makes. */
export function requestSplitterCases (build: Build<RequestSplitter>, options: PolicyComplianceOptions = {}): ComplianceCase[] {
  const cids = new Map<number, CID>()
  const cid = cidIndexArb.map(n => cidOf(n, cids))
  return [{
    name: 'has a name and splits no wants into no assignments',
    run: () => {
      assertName(build(new SeededRandom(1)).name)
      same(build(new SeededRandom(1)).forSession(session()).split([]), [], 'split() of no wants')
    }
  }, {
    name: 'assigns each want only to peers ranked for it, once per pair, the same for the same seed and history',
    run: () => {
      const pending = fc.record({
        cid: cidIndexArb,
        ranked: fc.uniqueArray(peerArb, { maxLength: PEERS.length }),
        block: fc.subarray(PEERS),
        have: fc.subarray(PEERS)
      })
      const split = fc.uniqueArray(pending, { selector: w => w.cid, maxLength: 5 })
      playTwins(build, cid, split, (one, two, pendingWants) => {
        const wants = Object.freeze(pendingWants.map(w => Object.freeze(pendingWant(cidOf(w.cid, cids), Object.freeze(w.ranked), { block: w.block, have: w.have }))))
        const assigned = one.split(wants)
        assertDistinct(assigned.map((a: WantAssignment) => `${a.peer} ${a.cid.toString()}`), 'split()')
        for (const a of assigned) {
          const target = wants.find(w => w.cid.equals(a.cid))
          ok(target !== undefined, `split() invented CID ${a.cid.toString()}`)
          ok(target.ranked.includes(a.peer), `split() sent ${a.cid.toString()} to ${a.peer}, which was not ranked for it`)
          ok(a.wantType === 'block' || a.wantType === 'have', `unknown want type ${String(a.wantType)}`)
        }
        same(two.split(wants), assigned, 'the same seed and history must give the same split')
      }, options)
    }
  }]
}

/** Every `RequestSplitter` case, run in turn; throws on the first broken rule. */
export function checkRequestSplitter (build: Build<RequestSplitter>, options: PolicyComplianceOptions = {}): void {
  runCasesSync(requestSplitterCases(build, options))
}
