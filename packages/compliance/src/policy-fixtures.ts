import { SeededRandom, type PeerKey, type PendingWant, type RandomSource, type SessionContext, type SessionFeedback } from '@swapwright/core'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { equal, ok } from './assert.js'

/** Builds a fresh policy from the random source the node would give it. Called many times per check. */
export type Build<T> = (random: RandomSource) => T

export interface PolicyComplianceOptions {
  /** fast-check runs per property (default 60). */
  numRuns?: number
  /** fast-check seed, to replay a failure it reported (default: random). */
  seed?: number
}

const RAW = 0x55

/** A distinct, stable CID per number for one suite run (identity-hashed, so building one needs no hashing). */
export function cidOf (n: number, cache: Map<number, CID>): CID {
  let cid = cache.get(n)
  if (cid === undefined) {
    cid = CID.createV1(RAW, identity.digest(new TextEncoder().encode(`block-${n}`)))
    cache.set(n, cid)
  }
  return cid
}

export const PEERS: PeerKey[] = Array.from({ length: 6 }, (_, i) => `peer-${i}`)
export const peerArb = fc.constantFrom(...PEERS)
export const cidIndexArb = fc.integer({ min: 0, max: 4 })

export const session = (): SessionContext => ({ sessionId: 1 })

export function pendingWant (cid: CID, ranked: readonly PeerKey[], sent: { block?: PeerKey[], have?: PeerKey[] } = {}): PendingWant {
  return { cid, ranked, blockSentTo: new Set(sent.block ?? []), haveSentTo: new Set(sent.have ?? []) }
}

export function feedbackArb (cid: fc.Arbitrary<CID>): fc.Arbitrary<SessionFeedback> {
  return fc.oneof(
    fc.record({ type: fc.constant('peer-added' as const), peer: peerArb }),
    fc.record({ type: fc.constant('peer-removed' as const), peer: peerArb }),
    fc.record({ type: fc.constant('have' as const), peer: peerArb, cid }),
    fc.record({ type: fc.constant('dont-have' as const), peer: peerArb, cid, timedOut: fc.boolean() }),
    fc.record({
      type: fc.constant('block' as const),
      peer: peerArb,
      cid,
      latency: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
      first: fc.boolean(),
      duplicate: fc.boolean()
    })
  )
}

export function assertName (name: unknown): void {
  equal(typeof name, 'string', 'a policy needs a name for logs and errors')
  ok((name as string).length > 0, 'a policy needs a non-empty name for logs and errors')
}

export function assertDistinct (items: readonly string[], what: string): void {
  ok(new Set(items).size === items.length, `${what} has repeats: ${items.join(', ')}`)
}

export function fcParams (options: PolicyComplianceOptions): fc.Parameters<unknown> {
  return { numRuns: options.numRuns ?? 60, ...(options.seed === undefined ? {} : { seed: options.seed }) }
}

/**
 * Plays a random history on two session instances built from one seed: every feedback goes to both, every
 * `step` to `act`, which checks the call it makes against the rules and against the twin.
 */
export function playTwins<S extends { observe: (feedback: SessionFeedback) => void }, Step> (
  build: Build<{ forSession: (context: SessionContext) => S }>,
  cid: fc.Arbitrary<CID>,
  stepArb: fc.Arbitrary<Step>,
  act: (one: S, two: S, step: Step) => void,
  options: PolicyComplianceOptions
): void {
  const op = fc.oneof(
    feedbackArb(cid).map(f => ({ kind: 'observe' as const, feedback: f })),
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
  }), fcParams(options))
}
