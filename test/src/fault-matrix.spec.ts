import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { randomPlugin } from '@swapwright/core'
import { go2019, goDefaults } from '@swapwright/strategies'
import { makeBlocks, type TestBlock } from './util/blocks.js'
import { FaultyPeer, type Fault } from './util/faulty-peer.js'
import { Swarm } from './util/swarm.js'

/**
 * The client against peers that pause, lie, break and die, on the simulated network in virtual time. Every
 * combination with at least one honest peer must end with every block; with no honest peer, every want must
 * end with the caller's abort, never a hang. Prints duplicates and time per fault.
 */

const SEEDS = 20
/** Median one-way latency of the network, in ms; the slow peer's links are 2 to 20 times that. */
const LATENCY = 10
/** The caller gives up after this much virtual time: past the rebroadcast, so that is exercised too. */
const CALLER_TIMEOUT = 40_000
/** The `late` peer gets the blocks this long after the start: later than its first DONT_HAVEs. */
const LATE_AFTER = 3000
/** What the client must beat for a `late` peer: the rebroadcast that used to be the only second chance. */
const REBROADCAST = 30_000

type Kind = Fault | 'slow'
const SCRIPTED: Fault[] = ['silent', 'corrupt', 'liar', 'refuse-after-have', 'disconnect', 'late']
const KINDS: Kind[] = ['silent', 'slow', 'corrupt', 'liar', 'refuse-after-have', 'disconnect', 'late']
/** Kinds that end up delivering: alone, they must still bring every block. */
const DELIVERS = new Set<Kind>(['slow', 'late'])
const PRESETS = { goDefaults, go2019 }

interface Outcome {
  complete: boolean
  aborted: boolean
  time: number
  duplicates: number
}

async function run (preset: keyof typeof PRESETS, seed: number, kinds: Kind[], honest: boolean, blocks: TestBlock[]): Promise<Outcome> {
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
  try {
    await swarm.run(async () => {
      try {
        for await (const { cid, bytes } of session.getBlocks(blocks.map(b => b.cid), { signal: caller.signal })) got.set(cid.toString(), bytes)
      } catch (err) {
        if (!caller.signal.aborted) throw err
        aborted = true
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
  return { complete: got.size === blocks.length, aborted, time, duplicates }
}

interface Row { label: string, runs: number, complete: number, aborted: number, times: number[], duplicates: number }

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]
}

function print (rows: Row[]): void {
  console.log('combination                          runs  complete  aborted  median ms    max ms  duplicates')
  for (const r of rows) {
    console.log(`${r.label.padEnd(36)} ${String(r.runs).padStart(4)} ${String(r.complete).padStart(9)} ${String(r.aborted).padStart(8)} ${median(r.times).toFixed(0).padStart(10)} ${Math.max(...r.times).toFixed(0).padStart(9)} ${String(r.duplicates).padStart(11)}`)
  }
}

describe('fault matrix (simulated network, virtual time)', () => {
  for (const preset of Object.keys(PRESETS) as Array<keyof typeof PRESETS>) {
    it(`${preset}: every want ends, with its block whenever some peer can deliver it`, async () => {
      // One small block (comes back for a WANT_HAVE) and larger ones, as a file's root and leaves.
      const blocks = [...await makeBlocks(1, 600, 7), ...await makeBlocks(5, 8192, 8)]
      const combos: Array<{ kinds: Kind[], honest: boolean }> = []
      for (const kind of KINDS) combos.push({ kinds: [kind], honest: true }, { kinds: [kind], honest: false })
      combos.push({ kinds: KINDS, honest: true }, { kinds: SCRIPTED.filter(k => !DELIVERS.has(k)), honest: false })
      const rows: Row[] = []
      const failures: string[] = []
      for (const { kinds, honest } of combos) {
        const label = `${kinds.length === KINDS.length ? 'all faults' : kinds.join('+')}${honest ? ' + honest' : ' alone'}`
        const row: Row = { label, runs: 0, complete: 0, aborted: 0, times: [], duplicates: 0 }
        const mustComplete = honest || kinds.some(kind => DELIVERS.has(kind))
        for (let seed = 1; seed <= SEEDS; seed++) {
          const outcome = await run(preset, seed, kinds, honest, blocks)
          row.runs++
          if (outcome.complete) row.complete++
          if (outcome.aborted) row.aborted++
          row.times.push(outcome.time)
          row.duplicates += outcome.duplicates
          if (mustComplete && !outcome.complete) failures.push(`${label}, seed ${seed}: incomplete after ${outcome.time} ms`)
          if (!mustComplete && !outcome.aborted) failures.push(`${label}, seed ${seed}: ended without the caller's abort`)
          if (kinds.length === 1 && kinds[0] === 'late' && !honest && outcome.time >= REBROADCAST) {
            failures.push(`late alone, seed ${seed}: took ${outcome.time} ms, not before the ${REBROADCAST} ms rebroadcast`)
          }
        }
        rows.push(row)
      }
      console.log(`\n${preset}, ${SEEDS} seeds per combination, ${blocks.length} blocks, virtual time:`)
      print(rows)
      assert.deepEqual(failures, [])
    })
  }
})
