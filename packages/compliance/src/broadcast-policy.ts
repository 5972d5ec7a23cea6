/**
 * The `BroadcastPolicy` contract: `select()` picks only peers it was given, each once, never touches its input,
 * answers a usable widening delay, ends every broadcast in finitely many steps, and one seed with one history
 * always gives one decision; `admit()` answers a boolean; `observe()` takes any answer.
 * @packageDocumentation
 */
import { SeededRandom, type BroadcastAnswer, type BroadcastDecision, type BroadcastPeerView, type BroadcastPolicy, type BroadcastRequest } from '@swapwright/core'
import fc from 'fast-check'
import { equal, ok, same } from './assert.js'
import { runCasesSync, type ComplianceCase } from './case.js'
import { assertDistinct, assertName, cidOf, fcParams, PEERS, peerArb, type Build, type PolicyComplianceOptions } from './policy-fixtures.js'
import type { CID } from 'multiformats/cid'

export type { Build, PolicyComplianceOptions } from './policy-fixtures.js'
export type { ComplianceCase } from './case.js'

/** Steps a broadcast over a fixed set of peers may take before it must end. */
const MAX_STEPS = 64

const viewArb: fc.Arbitrary<Omit<BroadcastPeerView, 'peer'>> = fc.record({
  connectedAt: fc.integer({ min: 0, max: 10_000 }),
  blocksReceived: fc.nat({ max: 5 }),
  havesReceived: fc.nat({ max: 5 }),
  lastUsefulAt: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
  local: fc.boolean(),
  peered: fc.boolean(),
  pending: fc.boolean(),
  latencyMs: fc.option(fc.integer({ min: 1, max: 2000 }), { nil: undefined })
})

/** Views of a random subset of the suite's peers, frozen as the node freezes them. */
const peersArb: fc.Arbitrary<readonly BroadcastPeerView[]> = fc.uniqueArray(peerArb, { maxLength: PEERS.length })
  .chain(keys => fc.tuple(...keys.map(() => viewArb)).map(views => Object.freeze(views.map((v, i) => Object.freeze({ ...v, peer: keys[i] })))))

const answerArb: fc.Arbitrary<BroadcastAnswer> = fc.record({
  peer: peerArb,
  type: fc.constantFrom('block' as const, 'have' as const, 'dont-have' as const),
  at: fc.integer({ min: 0, max: 10_000 })
})

function request (cids: readonly CID[], peers: readonly BroadcastPeerView[], step: number, now: number): BroadcastRequest {
  return Object.freeze({ cids: Object.freeze([...cids]), step, startedAt: 0, now, peers })
}

function checkDecision (decision: BroadcastDecision, given: readonly BroadcastPeerView[]): void {
  ok(Array.isArray(decision?.peers), 'select() must return { peers: [...] }')
  assertDistinct(decision.peers as string[], 'select()')
  const keys = new Set(given.map(view => view.peer))
  for (const peer of decision.peers) ok(keys.has(peer), `select() invented peer ${peer}`)
  const after = decision.widenAfterMs
  ok(after === undefined || (typeof after === 'number' && !Number.isNaN(after)), `widenAfterMs must be a number or left out, got ${String(after)}`)
}

/** Follows a broadcast's steps as the node does (the peers asked drop out) until it ends; returns every decision. */
function playBroadcast (policy: BroadcastPolicy, cids: readonly CID[], peers: readonly BroadcastPeerView[]): BroadcastDecision[] {
  const decisions: BroadcastDecision[] = []
  let left = peers
  let now = 0
  for (let step = 0; step < MAX_STEPS; step++) {
    const decision = policy.select(request(cids, left, step, now))
    checkDecision(decision, left)
    decisions.push(decision)
    const asked = new Set(decision.peers)
    left = Object.freeze(left.filter(view => !asked.has(view.peer)))
    const after = decision.widenAfterMs
    if (after === undefined || !(after > 0) || !Number.isFinite(after) || left.length === 0) return decisions
    now += after
  }
  throw new Error(`the broadcast was still widening after ${MAX_STEPS} steps over ${peers.length} peers`)
}

/** The cases of the `BroadcastPolicy` contract for the policy `build` makes. */
export function broadcastPolicyCases (build: Build<BroadcastPolicy>, options: PolicyComplianceOptions = {}): ComplianceCase[] {
  const cids = new Map<number, CID>()
  const cidsArb = fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 4 }).map(ns => ns.map(n => cidOf(n, cids)))
  return [{
    name: 'has a name and picks no peers from no peers',
    run: () => {
      const policy = build(new SeededRandom(1))
      assertName(policy.name)
      const decision = policy.select(request([cidOf(0, cids)], Object.freeze([]), 0, 0))
      checkDecision(decision, [])
      same([...decision.peers], [], 'select() of no peers')
    }
  }, {
    name: 'picks given peers only, each once, ends every broadcast, and decides the same for the same seed and history',
    run: () => {
      fc.assert(fc.property(fc.array(answerArb, { maxLength: 20 }), cidsArb, peersArb, fc.integer(), (answers, wanted, peers, seed) => {
        const one = build(new SeededRandom(seed))
        const two = build(new SeededRandom(seed))
        for (const answer of answers) {
          one.observe?.(answer)
          two.observe?.(answer)
        }
        const decisions = playBroadcast(one, wanted, peers)
        same(playBroadcast(two, wanted, peers).map(d => [...d.peers]), decisions.map(d => [...d.peers]), 'the same seed and history must give the same decisions')
      }), fcParams(options))
    }
  }, {
    name: 'admits or not with a boolean, for any peer',
    run: () => {
      fc.assert(fc.property(peersArb, fc.integer(), (peers, seed) => {
        const policy = build(new SeededRandom(seed))
        for (const view of peers) equal(typeof policy.admit(view), 'boolean', 'admit() must answer true or false')
      }), fcParams(options))
    }
  }]
}

/** Every `BroadcastPolicy` case, run in turn; throws on the first broken rule. */
export function checkBroadcastPolicy (build: Build<BroadcastPolicy>, options: PolicyComplianceOptions = {}): void {
  runCasesSync(broadcastPolicyCases(build, options))
}
