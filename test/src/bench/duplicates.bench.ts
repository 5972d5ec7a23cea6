/**
 * Duplicate blocks, time and CPU of a fetch over real libp2p on 127.0.0.1, by chunk size and number of seeds: one
 * seed and four, at 1 KiB, 1025 B (one byte over the size a WANT_HAVE is answered with the block), 256 KiB and
 * 1 MiB. Each seed is its own process (as on its own machine); the fetcher is this process, a fresh node per
 * fetch, connected to the seeds before the clock starts (see `fetchFromSeeds`). The file is asked level by level
 * as `swapwright get` walks it: the root, then the interior level (one block per `--fanout` leaves, when there
 * are more leaves than that), then every leaf. Each round fetches once per variant and seed count, back to back;
 * medians are printed, with the range of duplicates, and the per-round ratios of four seeds to one, in wall time
 * and in CPU (the fetcher's plus every seed's).
 *
 * Run: `npm run bench:dups`. Options (after `--`): --rounds N (default 5), --small BYTES (file size for chunks
 * under 256 KiB, default 3 MiB), --large BYTES (for the others, default 64 MiB), --chunks a,b (chunk sizes in
 * bytes), --seeds a,b (seed counts), --fanout N (links per interior block, default 174 as a balanced UnixFS DAG;
 * 0 asks every leaf right after the root), --variants a,b (fetcher splitters to compare in the same run, from
 * the list below; default `default`).
 * Timing on a shared machine is noisy; the duplicate counts are not.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { optimisticRequestSplitter } from '@swapwright/strategies'
import { fetchFromSeeds, seededFile, type FetchOutcome, type SeedAddress } from '../util/seed-fetch.js'
import type { SwapwrightPeerInit } from '../util/swapwright-node.js'
import { median } from './median.js'

/**
 * Fetcher configurations to compare: the default; proven peers given wants by load rather than by the ranking's
 * lottery; and Go's rule of a WANT_HAVE to every other peer.
 */
const VARIANTS: Record<string, SwapwrightPeerInit['options']> = {
  default: undefined,
  spread: { requestSplitter: optimisticRequestSplitter({ spreadProven: true }) },
  go: { requestSplitter: optimisticRequestSplitter({ provenQuorum: 0 }) }
}

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    small: { type: 'string', default: String(3 * 1024 * 1024) },
    large: { type: 'string', default: String(64 * 1024 * 1024) },
    chunks: { type: 'string' },
    seeds: { type: 'string' },
    fanout: { type: 'string', default: '174' },
    variants: { type: 'string', default: 'default' }
  }
})
const rounds = Number(args.rounds)
const fanout = Number(args.fanout)
const KiB = 1024
const CHUNKS = args.chunks?.split(',').map(Number) ?? [KiB, KiB + 1, 256 * KiB, 1024 * KiB]
const SEEDS = args.seeds?.split(',').map(Number) ?? [1, 4]
const variants = args.variants.split(',')
for (const name of variants) if (!(name in VARIANTS)) throw new Error(`unknown variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`)
const worker = fileURLToPath(new URL('./dups/seed-worker.js', import.meta.url))

interface Seed { child: ChildProcess, address: SeedAddress }

async function startSeed (bytes: number, chunk: number, seed: number): Promise<Seed> {
  const child = fork(worker, [String(bytes), String(chunk), String(seed), String(fanout)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const address = await new Promise<SeedAddress>((resolve, reject) => {
    child.once('message', message => { resolve(message as SeedAddress) })
    child.once('error', reject)
    child.once('exit', code => { reject(new Error(`a seed exited with ${code}`)) })
  })
  return { child, address }
}

async function seedCpu (seed: Seed): Promise<number> {
  const reply = new Promise<{ cpu: number }>(resolve => seed.child.once('message', message => { resolve(message as { cpu: number }) }))
  seed.child.send('cpu')
  return (await reply).cpu
}

async function stopSeed (child: ChildProcess): Promise<void> {
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.send('stop')
  await exited
}

/**
 * One fetch, with the CPU the seeds spent on it added to the fetcher's: over the timed part only, as the time is,
 * so the seeds' share of connecting to a fresh fetcher (handshakes, identify) counts in neither.
 */
async function fetchOnce (seeds: Seed[], file: Awaited<ReturnType<typeof seededFile>>, variant: string): Promise<FetchOutcome & { seedCpu: number }> {
  let before: number[] = []
  let after: number[] = []
  const outcome = await fetchFromSeeds(seeds.map(s => s.address), file, VARIANTS[variant], {
    started: async () => { before = await Promise.all(seeds.map(seedCpu)) },
    ended: async () => { after = await Promise.all(seeds.map(seedCpu)) }
  })
  return { ...outcome, seedCpu: after.reduce((sum, cpu, i) => sum + cpu - before[i], 0) }
}

const label = (chunk: number): string => chunk % KiB === 0 ? `${chunk / KiB} KiB` : `${chunk} B`
const range = (values: number[], digits = 2): string => `${median(values).toFixed(digits)} [${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}]`

console.log(`duplicates over real libp2p on 127.0.0.1, ${rounds} fetches per cell, fanout ${fanout} (medians; time on a shared machine is noisy)`)
console.log('chunk      file     variant   seeds  blocks  duplicates (median, range)  dup %   time ms  CPU ms fetcher  seeds')
const ratios: string[] = []
for (const chunk of CHUNKS) {
  const bytes = Number(chunk < 256 * KiB ? args.small : args.large)
  const file = await seededFile(bytes, chunk, 500 + chunk, fanout > 0 ? fanout : undefined)
  // One set of seeds per chunk size; each round fetches once per variant and seed count, back to back, so the
  // machine's load falls on every cell alike and the per-round ratios compare like with like.
  const seeds = await Promise.all(Array.from({ length: Math.max(...SEEDS) }, async () => startSeed(bytes, chunk, 500 + chunk)))
  const cells = new Map<string, Array<FetchOutcome & { seedCpu: number }>>()
  const cell = (variant: string, count: number): Array<FetchOutcome & { seedCpu: number }> => {
    const key = `${variant}/${count}`
    if (!cells.has(key)) cells.set(key, [])
    return cells.get(key) ?? []
  }
  try {
    for (let round = 0; round < rounds; round++) {
      for (const variant of variants) {
        for (const count of SEEDS) cell(variant, count).push(await fetchOnce(seeds.slice(0, count), file, variant))
      }
    }
  } finally {
    await Promise.all(seeds.map(async s => stopSeed(s.child)))
  }
  for (const variant of variants) {
    for (const count of SEEDS) {
      const outcomes = cell(variant, count)
      const dups = outcomes.map(o => o.duplicates)
      const blocks = outcomes[0].blocks
      console.log(`${label(chunk).padEnd(10)} ${`${(bytes / 1024 / 1024).toFixed(0)} MiB`.padEnd(8)} ${variant.padEnd(9)} ${String(count).padStart(5)} ${String(blocks).padStart(7)}  ${`${median(dups)} (${Math.min(...dups)}-${Math.max(...dups)})`.padStart(26)} ${(100 * median(dups) / blocks).toFixed(2).padStart(6)} ${median(outcomes.map(o => o.ms)).toFixed(0).padStart(9)} ${median(outcomes.map(o => o.cpu)).toFixed(0).padStart(15)} ${median(outcomes.map(o => o.seedCpu)).toFixed(0).padStart(6)}`)
    }
    const one = cell(variant, Math.min(...SEEDS))
    const many = cell(variant, Math.max(...SEEDS))
    const wall = many.map((o, i) => o.ms / one[i].ms)
    const cpu = many.map((o, i) => (o.cpu + o.seedCpu) / (one[i].cpu + one[i].seedCpu))
    ratios.push(`${label(chunk).padEnd(10)} ${variant.padEnd(9)} wall ${range(wall)}   CPU ${range(cpu)}`)
  }
}
console.log(`\n${Math.max(...SEEDS)} seeds against ${Math.min(...SEEDS)}: ratio per round, median [range] (below 1 is cheaper):`)
for (const line of ratios) console.log(line)
