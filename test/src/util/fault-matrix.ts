import assert from 'node:assert/strict'
import { PeersLostError, randomPlugin } from '@swapwright/core'
import { go2019, goDefaults } from '@swapwright/strategies'
import { FaultyPeer, type Fault } from './faulty-peer.js'
import { Swarm } from './swarm.js'
import type { TestBlock } from './blocks.js'

/**
 * The fault matrix, shared by its test and its benchmark: the client against peers that pause, lie, break and
 * die, on the simulated network in virtual time. Every combination with at least one peer that can deliver must
 * end with every block; with none, every want must end with the caller's abort or a clear error (every peer lost
 * and nobody else found: `PeersLostError`), never a hang.
 */

/** Median one-way latency of the network, in ms; the slow peer's links are 2 to 20 times that. */
const LATENCY = 10
/** The caller gives up after this much virtual time: past the rebroadcast, so that is exercised too. */
const CALLER_TIMEOUT = 40_000
/** The `late` peer gets the blocks this long after the start: later than its first DONT_HAVEs. */
const LATE_AFTER = 3000
/** What the client must beat for a `late` peer: the rebroadcast that used to be the only second chance. */
const REBROADCAST = 30_000

export type Kind = Fault | 'slow'
export const SCRIPTED: Fault[] = ['silent', 'corrupt', 'liar', 'refuse-after-have', 'disconnect', 'late']
export const KINDS: Kind[] = ['silent', 'slow', 'corrupt', 'liar', 'refuse-after-have', 'disconnect', 'late']
/** Kinds that end up delivering: alone, they must still bring every block. */
export const DELIVERS = new Set<Kind>(['slow', 'late'])
export const PRESETS = { goDefaults, go2019 }

export interface Outcome {
  complete: boolean
  aborted: boolean
  /** Ended with a clear error before the caller's abort: every peer was lost and nobody else could be found. */
  failed: boolean
  time: number
  duplicates: number
}

export async function run (preset: keyof typeof PRESETS, seed: number, kinds: Kind[], honest: boolean, blocks: TestBlock[]): Promise<Outcome> {
  // The slow peer's factor is drawn per seed, 2x to 20x the median latency.
  const slowFactor = 2 + (seed * 7919 % 1000) / 1000 * 18
  const swarm = new Swarm({
    seed,
    latency: (from, to) => (from === 'slow' || to === 'slow') ? LATENCY * slowFactor : LATENCY,
    options: { preset: PRESETS[preset]() }
  })
  const providers: string[] = []
  let nodes = 0
  const random = (): ReturnType<typeof randomPlugin> => randomPlugin(seed * 101 + nodes++)
  if (honest) {
    await swarm.add('honest', { blocks, announce: false, options: { random: random() } })
    providers.push('honest')
  }
  for (const kind of kinds) {
    if (kind === 'slow') await swarm.add('slow', { blocks, announce: false, options: { random: random() } })
    else await FaultyPeer.start(swarm.net, kind, { fault: kind, blocks, lateAfter: LATE_AFTER })
    providers.push(kind)
  }
  const fetcher = await swarm.add('fetcher', { options: { random: random() } })
  await swarm.connectAll()
  const caller = new AbortController()
  const timer = swarm.clock.setTimeout(() => { caller.abort(new Error('the caller gave up')) }, CALLER_TIMEOUT)
  const session = fetcher.node.createSession({ providers })
  const got = new Map<string, Uint8Array>()
  const start = swarm.clock.now()
  let aborted = false
  let failed = false
  try {
    await swarm.run(async () => {
      try {
        for await (const { cid, bytes } of session.getBlocks(blocks.map(b => b.cid), { signal: caller.signal })) got.set(cid.toString(), bytes)
      } catch (err) {
        if (err instanceof PeersLostError) failed = true
        else if (caller.signal.aborted) aborted = true
        else throw err
      }
    }, 2 * CALLER_TIMEOUT)
  } finally {
    timer.cancel()
  }
  const time = swarm.clock.now() - start
  for (const block of blocks) {
    const bytes = got.get(block.cid.toString())
    if (bytes != null) assert.deepEqual(bytes, block.data, `${block.cid} arrived with other bytes`)
  }
  const duplicates = fetcher.node.stats().client.duplicateBlocks
  session.close()
  await swarm.stop()
  return { complete: got.size === blocks.length, aborted, failed, time, duplicates }
}

export interface Row { label: string, runs: number, complete: number, aborted: number, failed: number, times: number[], duplicates: number }

export function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]
}

export function print (rows: Row[]): void {
  console.log('combination                          runs  complete  aborted   failed  median ms    max ms  duplicates')
  for (const r of rows) {
    console.log(`${r.label.padEnd(36)} ${String(r.runs).padStart(4)} ${String(r.complete).padStart(9)} ${String(r.aborted).padStart(8)} ${String(r.failed).padStart(8)} ${median(r.times).toFixed(0).padStart(10)} ${Math.max(...r.times).toFixed(0).padStart(9)} ${String(r.duplicates).padStart(11)}`)
  }
}


/** A set of faulty peers, with or without an honest one beside them. */
export interface Combination { kinds: Kind[], honest: boolean }

/** Every non-empty subset of the faults, each with an honest peer and without: 127 × 2 combinations. */
export function everyCombination (): Combination[] {
  const combos: Combination[] = []
  for (let mask = 1; mask < 1 << KINDS.length; mask++) {
    const kinds = KINDS.filter((_, i) => (mask & (1 << i)) !== 0)
    combos.push({ kinds, honest: true }, { kinds, honest: false })
  }
  return combos
}

export function label ({ kinds, honest }: Combination): string {
  return `${kinds.length === KINDS.length ? 'all faults' : kinds.join('+')}${honest ? ' + honest' : ' alone'}`
}

export interface MatrixResult {
  /** One row per combination. */
  rows: Row[]
  /** Per fault, every run of a combination that holds it (with an honest peer; without, apart). */
  perFault: Row[]
  /** What broke the rules, one line each; empty when all is well. */
  failures: string[]
}

/**
 * Runs `combos` on `preset`, each over the seeds `seedsOf(index)` gives, and checks the rules: a combination
 * with a peer that can deliver (honest, slow or late) ends with every block; one without ends by the caller's
 * abort or a `PeersLostError`; a late peer alone brings the blocks before the rebroadcast would have.
 */
export async function runMatrix (preset: keyof typeof PRESETS, combos: Combination[], seedsOf: (index: number) => number[], blocks: TestBlock[]): Promise<MatrixResult> {
  const rows: Row[] = []
  const failures: string[] = []
  const perFault = new Map<string, Row>()
  const faultRow = (name: string): Row => {
    let row = perFault.get(name)
    if (row == null) perFault.set(name, row = { label: name, runs: 0, complete: 0, aborted: 0, failed: 0, times: [], duplicates: 0 })
    return row
  }
  for (const [index, combo] of combos.entries()) {
    const { kinds, honest } = combo
    const row: Row = { label: label(combo), runs: 0, complete: 0, aborted: 0, failed: 0, times: [], duplicates: 0 }
    const mustComplete = honest || kinds.some(kind => DELIVERS.has(kind))
    for (const seed of seedsOf(index)) {
      const outcome = await run(preset, seed, kinds, honest, blocks)
      const touched = [row, ...kinds.map(kind => faultRow(`${kind}${honest ? ' + honest' : ', no honest'}`))]
      for (const r of touched) {
        r.runs++
        if (outcome.complete) r.complete++
        if (outcome.aborted) r.aborted++
        if (outcome.failed) r.failed++
        r.times.push(outcome.time)
        r.duplicates += outcome.duplicates
      }
      if (mustComplete && !outcome.complete) failures.push(`${row.label}, seed ${seed}: incomplete after ${outcome.time} ms`)
      if (!mustComplete && !outcome.aborted && !outcome.failed) failures.push(`${row.label}, seed ${seed}: ended without the caller's abort or a clear error`)
      if (kinds.length === 1 && kinds[0] === 'late' && !honest && outcome.time >= REBROADCAST) {
        failures.push(`late alone, seed ${seed}: took ${outcome.time} ms, not before the ${REBROADCAST} ms rebroadcast`)
      }
    }
    rows.push(row)
  }
  const order = [...KINDS.map(kind => `${kind} + honest`), ...KINDS.map(kind => `${kind}, no honest`)]
  return { rows, perFault: order.map(name => perFault.get(name)).filter((r): r is Row => r != null), failures }
}

/** The blocks every matrix run fetches: one small block (comes back for a WANT_HAVE) and larger ones. */
export async function matrixBlocks (): Promise<TestBlock[]> {
  const { makeBlocks } = await import('./blocks.js')
  return [...await makeBlocks(1, 600, 7), ...await makeBlocks(5, 8192, 8)]
}
