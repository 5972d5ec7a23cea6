/*
 * Contract checks for each policy role, usable against any implementation (shipped or hand-written). Each
 * function throws on the first broken rule; call it inside a test. `build` makes a fresh instance from a random
 * source, so the checks can also demand that one seed always gives one behaviour.
 */
import assert from 'node:assert/strict'
import { SeededRandom, type DecisionStrategy, type LedgerWantView, type PeerKey, type PeerQueueView, type PeerSelector, type RandomSource, type RequestSplitter, type SessionContext, type SessionFeedback, type TaskView, type WantAssignment } from '@swapwright/core'
import fc from 'fast-check'
import { cidOf, peerNames, session, want } from './fixtures.js'

export type Build<T> = (random: RandomSource) => T

export interface ComplianceOptions {
  /** fast-check runs per property. */
  numRuns?: number
}

const PEERS = peerNames(6)
const peer = fc.constantFrom(...PEERS)
const cidIndex = fc.integer({ min: 0, max: 4 })
const cid = cidIndex.map(cidOf)

const feedback: fc.Arbitrary<SessionFeedback> = fc.oneof(
  fc.record({ type: fc.constant('peer-added' as const), peer }),
  fc.record({ type: fc.constant('peer-removed' as const), peer }),
  fc.record({ type: fc.constant('have' as const), peer, cid }),
  fc.record({ type: fc.constant('dont-have' as const), peer, cid, timedOut: fc.boolean() }),
  fc.record({
    type: fc.constant('block' as const),
    peer,
    cid,
    latency: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
    first: fc.boolean(),
    duplicate: fc.boolean()
  })
)

function assertName (name: unknown): void {
  assert.equal(typeof name, 'string')
  assert.ok((name as string).length > 0, 'a policy needs a name for logs and errors')
}

function assertDistinct (items: readonly string[], what: string): void {
  assert.equal(new Set(items).size, items.length, `${what} has repeats: ${items.join(', ')}`)
}

/**
 * Plays a random history on two session instances built from one seed: every feedback goes to both, every
 * `step` to `act`, which checks the call it makes against the rules and against the twin.
 */
function playTwins<S extends { observe: (feedback: SessionFeedback) => void }, Step> (
  build: Build<{ forSession: (context: SessionContext) => S }>,
  stepArb: fc.Arbitrary<Step>,
  act: (one: S, two: S, step: Step) => void,
  numRuns: number
): void {
  const op = fc.oneof(
    feedback.map(f => ({ kind: 'observe' as const, feedback: f })),
    stepArb.map(step => ({ kind: 'act' as const, step }))
  )
  fc.assert(fc.property(fc.array(op, { maxLength: 40 }), fc.integer(), (ops, seed) => {
    const one = build(new SeededRandom(seed)).forSession(session())
    const two = build(new SeededRandom(seed)).forSession(session())
    for (const event of ops) {
      if (event.kind === 'observe') {
        one.observe(event.feedback)
        two.observe(event.feedback)
      } else {
        act(one, two, event.step)
      }
    }
  }), { numRuns })
}

/** rank() returns given peers only, each at most once, never touches its input, and is reproducible by seed. */
export function checkPeerSelector (build: Build<PeerSelector>, { numRuns = 60 }: ComplianceOptions = {}): void {
  assertName(build(new SeededRandom(1)).name)
  assert.deepEqual(build(new SeededRandom(1)).forSession(session()).rank(cidOf(0), []), [])

  const rank = fc.record({ cid, peers: fc.uniqueArray(peer, { maxLength: PEERS.length }) })
  playTwins(build, rank, (one, two, step) => {
    const given = Object.freeze([...step.peers])
    const ranked = one.rank(step.cid, given)
    assertDistinct(ranked, 'rank()')
    for (const p of ranked) assert.ok(given.includes(p), `rank() invented peer ${p}`)
    assert.deepEqual(two.rank(step.cid, given), ranked, 'the same seed and history must give the same ranking')
  }, numRuns)
}

/** split() only pairs a want's CID with peers ranked for it, once per pair, and is reproducible by seed. */
export function checkRequestSplitter (build: Build<RequestSplitter>, { numRuns = 60 }: ComplianceOptions = {}): void {
  assertName(build(new SeededRandom(1)).name)
  assert.deepEqual(build(new SeededRandom(1)).forSession(session()).split([]), [])

  const pending = fc.record({
    cid: cidIndex,
    ranked: fc.uniqueArray(peer, { maxLength: PEERS.length }),
    block: fc.subarray(PEERS),
    have: fc.subarray(PEERS)
  })
  const split = fc.uniqueArray(pending, { selector: w => w.cid, maxLength: 5 })
  playTwins(build, split, (one, two, pendingWants) => {
    const wants = Object.freeze(pendingWants.map(w => Object.freeze(want(cidOf(w.cid), Object.freeze(w.ranked), { block: w.block, have: w.have }))))
    const assigned = one.split(wants)
    const pairs = assigned.map((a: WantAssignment) => `${a.peer} ${a.cid.toString()}`)
    assertDistinct(pairs, 'split()')
    for (const a of assigned) {
      const target = wants.find(w => w.cid.equals(a.cid))
      assert.ok(target !== undefined, `split() invented CID ${a.cid.toString()}`)
      assert.ok(target.ranked.includes(a.peer), `split() sent ${a.cid.toString()} to ${a.peer}, which was not ranked for it`)
      assert.ok(a.wantType === 'block' || a.wantType === 'have', `unknown want type ${String(a.wantType)}`)
    }
    assert.deepEqual(two.split(wants), assigned, 'the same seed and history must give the same split')
  }, numRuns)
}

const NOW = 30_000
const taskFields = fc.record({
  priority: fc.constantFrom(0, 1, 5, 2 ** 31 - 1),
  wantType: fc.constantFrom('block' as const, 'have' as const),
  blockSize: fc.option(fc.constantFrom(0, 100, 1024, 1 << 20), { nil: undefined })
})
const queueFields = fc.record({
  pendingTasks: fc.constantFrom(0, 1, 2, 15, 16, 17, 1024),
  activeTasks: fc.integer({ min: 0, max: 3 }),
  activeBytes: fc.constantFrom(0, 1024, 1 << 20),
  lastServedAt: fc.option(fc.constantFrom(0, 15_000, 20_000, 25_000, NOW), { nil: undefined }),
  bytesSent: fc.constantFrom(0, 1000, 5000),
  bytesReceived: fc.constantFrom(0, 1000, 5000),
  headTask: fc.option(taskFields.map((f): TaskView => ({ cid: cidOf(99), seq: 99, ...f })), { nil: undefined })
})

/** Every ordered pair and triple of `items` satisfies the rules of a consistent comparator. */
function assertComparator<T> (items: readonly T[], compare: (a: T, b: T) => number, what: string): void {
  const sign = (n: number): number => Math.sign(n)
  for (const x of items) {
    assert.ok(compare(x, x) === 0, `${what}(x, x) must be 0`)
    for (const y of items) {
      const xy = compare(x, y)
      assert.ok(Number.isFinite(xy), `${what} returned ${xy}`)
      assert.ok(sign(xy) + sign(compare(y, x)) === 0, `${what} is not antisymmetric`)
      for (const z of items) {
        if (xy <= 0 && compare(y, z) <= 0) assert.ok(compare(x, z) <= 0, `${what} is not transitive`)
      }
    }
  }
}

/** Peer and task orders are consistent comparators, WANT_HAVE answers are valid, eviction respects the limit. */
export function checkDecisionStrategy (build: Build<DecisionStrategy>, { numRuns = 60 }: ComplianceOptions = {}): void {
  assertName(build(new SeededRandom(1)).name)

  fc.assert(fc.property(fc.tuple(queueFields, queueFields, queueFields), fc.integer(), (fields, seed) => {
    const strategy = build(new SeededRandom(seed))
    const views: PeerQueueView[] = fields.map((f, i) => ({ peer: `peer-${i}` as PeerKey, ...f }))
    assertComparator(views, (a, b) => strategy.comparePeers(a, b, NOW), 'comparePeers')
  }), { numRuns })

  fc.assert(fc.property(fc.tuple(taskFields, taskFields, taskFields), fc.integer(), (fields, seed) => {
    const strategy = build(new SeededRandom(seed))
    const tasks: TaskView[] = fields.map((f, i) => ({ cid: cidOf(i), seq: i, ...f }))
    assertComparator(tasks, (a, b) => strategy.compareTasks(a, b), 'compareTasks')
  }), { numRuns })

  fc.assert(fc.property(fc.integer({ min: 0, max: 4 << 20 }), size => {
    const answer = build(new SeededRandom(1)).answerWantHave(size)
    assert.ok(answer === 'block' || answer === 'have', `answerWantHave returned ${String(answer)}`)
  }), { numRuns })

  const wantFields = fc.record({ priority: fc.integer({ min: 0, max: 5 }), have: fc.boolean(), wantType: fc.constantFrom('block' as const, 'have' as const) })
  const ledger = fc.integer({ min: 0, max: 12 }).chain(limit => fc.record({
    limit: fc.constant(limit),
    current: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 29 }), wantFields), { selector: ([n]) => n, maxLength: limit }),
    incoming: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 39 }), wantFields), { selector: ([n]) => n, maxLength: 12 })
  }))
  fc.assert(fc.property(ledger, fc.integer(), ({ limit, current, incoming }, seed) => {
    const toView = (seqBase: number) => ([n, f]: [number, { priority: number, have: boolean, wantType: 'block' | 'have' }], i: number): LedgerWantView =>
      ({ cid: cidOf(n), seq: seqBase + i, ...f })
    const held = Object.freeze(current.map(toView(0)))
    const offered = Object.freeze(incoming.map(toView(1000)))
    const { evict, accept } = build(new SeededRandom(seed)).evict(held, offered, limit)
    const heldKeys = held.map(w => w.cid.toString())
    const evicted = evict.map(c => c.toString())
    const accepted = accept.map(c => c.toString())
    assertDistinct(evicted, 'evict')
    assertDistinct(accepted, 'accept')
    const offeredKeys = new Set(offered.map(w => w.cid.toString()))
    for (const c of evicted) assert.ok(heldKeys.includes(c), `evicted ${c}, which the ledger does not hold`)
    for (const c of accepted) assert.ok(offeredKeys.has(c), `accepted ${c}, which was not offered`)
    const after = new Set(heldKeys)
    for (const c of evicted) after.delete(c)
    for (const c of accepted) after.add(c)
    assert.ok(after.size <= limit, `ledger ends with ${after.size} wants, limit ${limit}`)
  }), { numRuns })
}
