/**
 * Duplicate blocks and time of a fetch over real libp2p on 127.0.0.1, by chunk size and number of seeds: one
 * seed and four, at 1 KiB, 1025 B (one byte over the size a WANT_HAVE is answered with the block), 256 KiB and
 * 1 MiB. Each seed is its own process (as on its own machine); the fetcher is this process, a fresh node per
 * fetch, connected before the clock starts. Each round fetches once from one seed and once from four, back to
 * back; medians are printed, with the range of duplicates, and the per-round time ratio of four seeds to one.
 *
 * Run: `npm run bench:dups`. Options (after `--`): --rounds N (default 5), --small BYTES (file size for chunks
 * under 256 KiB, default 3 MiB), --large BYTES (for the others, default 64 MiB), --chunks a,b (chunk sizes in
 * bytes), --seeds a,b (seed counts).
 * Timing on a shared machine is noisy; the duplicate counts are not.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { fetchFromSeeds, seededFile, type FetchOutcome, type SeedAddress } from '../util/seed-fetch.js'

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    small: { type: 'string', default: String(3 * 1024 * 1024) },
    large: { type: 'string', default: String(64 * 1024 * 1024) },
    chunks: { type: 'string' },
    seeds: { type: 'string' }
  }
})
const rounds = Number(args.rounds)
const KiB = 1024
const CHUNKS = args.chunks?.split(',').map(Number) ?? [KiB, KiB + 1, 256 * KiB, 1024 * KiB]
const SEEDS = args.seeds?.split(',').map(Number) ?? [1, 4]
const worker = fileURLToPath(new URL('./dups/seed-worker.js', import.meta.url))

async function startSeed (bytes: number, chunk: number, seed: number): Promise<{ child: ChildProcess, address: SeedAddress }> {
  const child = fork(worker, [String(bytes), String(chunk), String(seed)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const address = await new Promise<SeedAddress>((resolve, reject) => {
    child.once('message', message => { resolve(message as SeedAddress) })
    child.once('error', reject)
    child.once('exit', code => { reject(new Error(`a seed exited with ${code}`)) })
  })
  return { child, address }
}

async function stopSeed (child: ChildProcess): Promise<void> {
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.send('stop')
  await exited
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const label = (chunk: number): string => chunk % KiB === 0 ? `${chunk / KiB} KiB` : `${chunk} B`

console.log(`duplicates over real libp2p on 127.0.0.1, ${rounds} fetches per cell (medians; time on a shared machine is noisy)`)
console.log('chunk      file      seeds  blocks  duplicates (median, range)  dup %   time ms')
const ratios = new Map<number, number[]>()
for (const chunk of CHUNKS) {
  const bytes = Number(chunk < 256 * KiB ? args.small : args.large)
  const file = await seededFile(bytes, chunk, 500 + chunk)
  // One set of seeds per chunk size; each round fetches once per seed count, back to back, so the machine's
  // load falls on every count alike and the per-round ratio compares like with like.
  const seeds = await Promise.all(Array.from({ length: Math.max(...SEEDS) }, async () => startSeed(bytes, chunk, 500 + chunk)))
  const outcomes = new Map<number, FetchOutcome[]>(SEEDS.map(count => [count, []]))
  try {
    for (let round = 0; round < rounds; round++) {
      for (const count of SEEDS) outcomes.get(count)?.push(await fetchFromSeeds(seeds.slice(0, count).map(s => s.address), file))
    }
  } finally {
    await Promise.all(seeds.map(async s => stopSeed(s.child)))
  }
  for (const count of SEEDS) {
    const cell = outcomes.get(count) ?? []
    const dups = cell.map(o => o.duplicates)
    const blocks = cell[0].blocks
    console.log(`${label(chunk).padEnd(10)} ${`${(bytes / 1024 / 1024).toFixed(0)} MiB`.padEnd(9)} ${String(count).padStart(5)} ${String(blocks).padStart(7)}  ${`${median(dups)} (${Math.min(...dups)}-${Math.max(...dups)})`.padStart(26)} ${(100 * median(dups) / blocks).toFixed(2).padStart(6)} ${median(cell.map(o => o.ms)).toFixed(0).padStart(9)}`)
  }
  const one = outcomes.get(Math.min(...SEEDS)) ?? []
  ratios.set(chunk, (outcomes.get(Math.max(...SEEDS)) ?? []).map((o, i) => o.ms / one[i].ms))
}
console.log(`\n${Math.max(...SEEDS)} seeds against ${Math.min(...SEEDS)}: time ratio per round, median [range] (below 1 is faster):`)
for (const [chunk, r] of ratios) {
  console.log(`${label(chunk).padEnd(10)} ${median(r).toFixed(2)} [${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}]`)
}
