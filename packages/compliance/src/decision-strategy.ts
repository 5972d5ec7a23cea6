/**
 * The `DecisionStrategy` contract: peer and task orders are consistent comparators, a WANT_HAVE gets a valid
 * answer, and eviction names only held wants, accepts only offered ones and keeps the ledger within its limit.
 * @packageDocumentation
 */
import { SeededRandom, type DecisionStrategy, type LedgerWantView, type PeerKey, type PeerQueueView, type TaskView } from '@swapwright/core'
import fc from 'fast-check'
import { ok } from './assert.js'
import { runCasesSync, type ComplianceCase } from './case.js'
import { assertDistinct, assertName, cidOf, fcParams, type Build, type PolicyComplianceOptions } from './policy-fixtures.js'
import type { CID } from 'multiformats/cid'

export type { Build, PolicyComplianceOptions } from './policy-fixtures.js'
export type { ComplianceCase } from './case.js'

const NOW = 30_000

/** Every ordered pair and triple of `items` satisfies the rules of a consistent comparator. */
function assertComparator<T> (items: readonly T[], compare: (a: T, b: T) => number, what: string): void {
  for (const x of items) {
    ok(compare(x, x) === 0, `${what}(x, x) must be 0`)
    for (const y of items) {
      const xy = compare(x, y)
      ok(Number.isFinite(xy), `${what} returned ${xy}`)
      ok(Math.sign(xy) + Math.sign(compare(y, x)) === 0, `${what} is not antisymmetric`)
      for (const z of items) {
        if (xy <= 0 && compare(y, z) <= 0) ok(compare(x, z) <= 0, `${what} is not transitive`)
      }
    }
  }
}

type WantFields = Pick<LedgerWantView, 'priority' | 'have' | 'wantType'>

/** The cases of the `DecisionStrategy` contract for the strategy `build` makes. */
export function decisionStrategyCases (build: Build<DecisionStrategy>, options: PolicyComplianceOptions = {}): ComplianceCase[] {
  const cids = new Map<number, CID>()
  const params = fcParams(options)
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
    headTask: fc.option(taskFields.map((f): TaskView => ({ cid: cidOf(99, cids), seq: 99, ...f })), { nil: undefined })
  })
  return [{
    name: 'has a name',
    run: () => { assertName(build(new SeededRandom(1)).name) }
  }, {
    name: 'orders peers with a consistent comparator',
    run: () => {
      fc.assert(fc.property(fc.tuple(queueFields, queueFields, queueFields), fc.integer(), (fields, seed) => {
        const strategy = build(new SeededRandom(seed))
        const views: PeerQueueView[] = fields.map((f, i) => ({ peer: `peer-${i}` as PeerKey, ...f }))
        assertComparator(views, (a, b) => strategy.comparePeers(a, b, NOW), 'comparePeers')
      }), params)
    }
  }, {
    name: 'orders tasks with a consistent comparator',
    run: () => {
      fc.assert(fc.property(fc.tuple(taskFields, taskFields, taskFields), fc.integer(), (fields, seed) => {
        const strategy = build(new SeededRandom(seed))
        const tasks: TaskView[] = fields.map((f, i) => ({ cid: cidOf(i, cids), seq: i, ...f }))
        assertComparator(tasks, (a, b) => strategy.compareTasks(a, b), 'compareTasks')
      }), params)
    }
  }, {
    name: 'answers a WANT_HAVE with the block or a HAVE',
    run: () => {
      fc.assert(fc.property(fc.integer({ min: 0, max: 4 << 20 }), size => {
        const answer = build(new SeededRandom(1)).answerWantHave(size)
        ok(answer === 'block' || answer === 'have', `answerWantHave returned ${String(answer)}`)
      }), params)
    }
  }, {
    name: 'evicts only held wants, accepts only offered ones, and keeps the ledger within its limit',
    run: () => {
      const wantFields = fc.record({ priority: fc.integer({ min: 0, max: 5 }), have: fc.boolean(), wantType: fc.constantFrom('block' as const, 'have' as const) })
      const ledger = fc.integer({ min: 0, max: 12 }).chain(limit => fc.record({
        limit: fc.constant(limit),
        current: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 29 }), wantFields), { selector: ([n]) => n, maxLength: limit }),
        incoming: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 39 }), wantFields), { selector: ([n]) => n, maxLength: 12 })
      }))
      fc.assert(fc.property(ledger, fc.integer(), ({ limit, current, incoming }, seed) => {
        const toView = (seqBase: number) => ([n, f]: [number, WantFields], i: number): LedgerWantView =>
          ({ cid: cidOf(n, cids), seq: seqBase + i, ...f })
        const held = Object.freeze(current.map(toView(0)))
        const offered = Object.freeze(incoming.map(toView(1000)))
        const { evict, accept } = build(new SeededRandom(seed)).evict(held, offered, limit)
        const heldKeys = held.map(w => w.cid.toString())
        const evicted = evict.map(c => c.toString())
        const accepted = accept.map(c => c.toString())
        assertDistinct(evicted, 'evict')
        assertDistinct(accepted, 'accept')
        const offeredKeys = new Set(offered.map(w => w.cid.toString()))
        for (const c of evicted) ok(heldKeys.includes(c), `evicted ${c}, which the ledger does not hold`)
        for (const c of accepted) ok(offeredKeys.has(c), `accepted ${c}, which was not offered`)
        const after = new Set(heldKeys)
        for (const c of evicted) after.delete(c)
        for (const c of accepted) after.add(c)
        ok(after.size <= limit, `ledger ends with ${after.size} wants, limit ${limit}`)
      }), params)
    }
  }]
}

/** Every `DecisionStrategy` case, run in turn; throws on the first broken rule. */
export function checkDecisionStrategy (build: Build<DecisionStrategy>, options: PolicyComplianceOptions = {}): void {
  runCasesSync(decisionStrategyCases(build, options))
}
