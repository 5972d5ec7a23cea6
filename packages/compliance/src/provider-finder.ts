/**
 * The `ProviderFinder` contract: what one peer provides, another finds, named by its key; a lookup never names
 * the peer running it; a lookup for what nobody holds ends empty; an abort ends a lookup. The harness builds
 * finders on one routing system (a DHT, the simulated routing, or yours) and says how its time passes.
 * @packageDocumentation
 */
import { ok, same } from './assert.js'
import type { ComplianceCase } from './case.js'
import type { PeerKey, ProviderFinder, ProviderRecord } from '@swapwright/core'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'

export type { ComplianceCase } from './case.js'

/** Finders for peers on one routing system. A fresh harness is made for every case. */
export interface ProviderFindersUnderTest {
  /** At least two finders, each for its own peer, able to reach each other's announcements. */
  finders: Array<{ finder: ProviderFinder, self: PeerKey }>
  /** Lets `ms` of the routing system's time pass (a virtual clock advances, a real one waits). */
  pass: (ms: number) => Promise<void>
  teardown: () => Promise<void>
}

export interface ProviderFinderComplianceOptions {
  /** How much of the routing's time an announcement may take to become findable, in ms (default 30 000). */
  findWithinMs?: number
}

type Outcome<T> = { done: false } | { done: true, value?: T, error?: unknown }

/** Passes time until `work` settles, up to `limit` ms; returns how it ended. */
async function drive<T> (harness: ProviderFindersUnderTest, work: Promise<T>, limit: number): Promise<Outcome<T>> {
  let outcome: Outcome<T> = { done: false }
  work.then(value => { outcome = { done: true, value } }, (error: unknown) => { outcome = { done: true, error } })
  for (let waited = 0; !outcome.done && waited < limit; waited += 10) await harness.pass(10)
  return outcome
}

async function lookup (finder: ProviderFinder, cid: CID, signal?: AbortSignal): Promise<ProviderRecord[]> {
  const found: ProviderRecord[] = []
  for await (const record of finder.findProviders(cid, signal === undefined ? {} : { signal })) found.push(record)
  return found
}

/** A lookup that ended either empty or with an AbortError. */
function endedEmpty (outcome: Outcome<ProviderRecord[]>, what: string): void {
  if (!outcome.done) return
  if (outcome.error !== undefined) {
    ok((outcome.error as Error).name === 'AbortError', `${what} failed with ${String(outcome.error)}, not an AbortError`)
  } else {
    same(outcome.value, [], `${what} named a provider`)
  }
}

let unique = 0
async function freshCid (label: string): Promise<CID> {
  const bytes = new TextEncoder().encode(`${label} ${Date.now()} ${unique++} ${Math.random()}`)
  return CID.createV1(raw.code, await sha256.digest(bytes))
}

/** The cases of the `ProviderFinder` contract, each on a fresh harness from `factory`. */
export function providerFinderCases (factory: () => Promise<ProviderFindersUnderTest>, options: ProviderFinderComplianceOptions = {}): ComplianceCase[] {
  const findWithin = options.findWithinMs ?? 30_000
  const withFinders = (name: string, run: (harness: ProviderFindersUnderTest) => Promise<void>): ComplianceCase => ({
    name,
    run: async () => {
      const harness = await factory()
      try {
        ok(harness.finders.length >= 2, 'the harness must give at least two finders')
        await run(harness)
      } finally {
        await harness.teardown()
      }
    }
  })

  /** Looks up `cid` through `finder` until `peer` is named, passing time between attempts. */
  const findsEventually = async (harness: ProviderFindersUnderTest, finder: ProviderFinder, cid: CID, peer: PeerKey): Promise<ProviderRecord[]> => {
    for (let waited = 0; waited < findWithin; waited += 100) {
      const attempt = new AbortController()
      const outcome = await drive(harness, lookup(finder, cid, attempt.signal), Math.min(5_000, findWithin))
      attempt.abort()
      if (outcome.done && outcome.value?.some(r => r.peer === peer) === true) return outcome.value
      await harness.pass(100)
    }
    throw new Error(`no lookup named ${peer} as a provider within ${findWithin} ms`)
  }

  return [
    withFinders('has a name', async ({ finders }) => {
      for (const { finder } of finders) ok(typeof finder.name === 'string' && finder.name.length > 0, 'a finder needs a name')
    }),

    withFinders('what one peer provides, another finds, named by its key', async harness => {
      const [holder, seeker] = harness.finders
      const cid = await freshCid('provided')
      const provided = await drive(harness, holder.finder.provide(cid), findWithin)
      ok(provided.done && provided.error === undefined, `provide() failed or never settled: ${String(provided.done ? provided.error : 'pending')}`)
      const found = await findsEventually(harness, seeker.finder, cid, holder.self)
      for (const record of found) {
        ok(typeof record.peer === 'string' && record.peer.length > 0, 'a record names a peer')
        ok(Array.isArray(record.addresses) && record.addresses.every(a => typeof a === 'string'), 'a record lists addresses as strings')
      }
    }),

    withFinders('a lookup never names the peer that runs it', async harness => {
      const [one, two] = harness.finders
      const cid = await freshCid('both')
      for (const { finder } of [one, two]) {
        const provided = await drive(harness, finder.provide(cid), findWithin)
        ok(provided.done && provided.error === undefined, 'provide() failed or never settled')
      }
      const found = await findsEventually(harness, one.finder, cid, two.self)
      ok(!found.some(r => r.peer === one.self), 'a lookup named the peer running it')
    }),

    withFinders('a lookup for a CID nobody provided names nobody, and ends or yields to its signal', async harness => {
      const [seeker] = harness.finders
      const controller = new AbortController()
      const work = lookup(seeker.finder, await freshCid('nobody'), controller.signal)
      let outcome = await drive(harness, work, 5_000)
      if (!outcome.done) {
        controller.abort()
        outcome = await drive(harness, work, 1_000)
        ok(outcome.done, 'a lookup went on after its signal aborted')
      }
      endedEmpty(outcome, 'a lookup for what nobody holds')
    }),

    withFinders('a lookup with an aborted signal ends at once, naming nobody', async harness => {
      const [seeker, holder] = harness.finders
      const cid = await freshCid('aborted')
      await drive(harness, holder.finder.provide(cid), findWithin)
      const outcome = await drive(harness, lookup(seeker.finder, cid, AbortSignal.abort()), 1_000)
      ok(outcome.done, 'a lookup with an aborted signal did not end')
      endedEmpty(outcome, 'a lookup with an aborted signal')
    })
  ]
}
