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
 * the list below; default `default`), --together (every seed in one process: the same protocol with fewer
 * processes, to tell the cost of five processes on few cores from that of the exchange), --half-windows (the
 * fetcher gives its yamux streams' credit back in halves, as `swapwright get` does, instead of after every frame).
 * Timing on a shared machine is noisy; the duplicate counts are not.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { installHalfWindowUpdates } from '@swapwright/cli'
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
  load: { requestSplitter: optimisticRequestSplitter({ spreadProven: true, spreadUnproven: true }) },
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
    variants: { type: 'string', default: 'default' },
    together: { type: 'boolean', default: false },
    'half-windows': { type: 'boolean', default: false }
  }
})
const rounds = Number(args.rounds)
const fanout = Number(args.fanout)
const KiB = 1024
const CHUNKS = args.chunks?.split(',').map(Number) ?? [KiB, KiB + 1, 256 * KiB, 1024 * KiB]
const SEEDS = args.seeds?.split(',').map(Number) ?? [1, 4]
const variants = args.variants.split(',')
for (const name of variants) if (!(name in VARIANTS)) throw new Error(`unknown variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`)
// the fetcher is this process: with --half-windows its yamux streams give credit in halves, as `swapwright get` does
if (args['half-windows']) installHalfWindowUpdates()
const worker = fileURLToPath(new URL('./dups/seed-worker.js', import.meta.url))

/** One fetch, with what the seeds spent on it: CPU ms and messages sent (replies). */
type Outcome = FetchOutcome & { seedCpu: number, seedMessages: number }

/** A process of seeds: its child and the nodes it serves from. */
interface SeedProcess { child: ChildProcess, addresses: SeedAddress[] }

async function startSeeds (bytes: number, chunk: number, seed: number, count: number): Promise<SeedProcess> {
  const child = fork(worker, [String(bytes), String(chunk), String(seed), String(fanout), String(count)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const addresses = await new Promise<SeedAddress[]>((resolve, reject) => {
    child.once('message', message => { resolve(message as SeedAddress[]) })
    child.once('error', reject)
    child.once('exit', code => { reject(new Error(`a seed exited with ${code}`)) })
  })
  return { child, addresses }
}

/** What a seed process has spent so far: CPU ms, and each of its nodes' replies. */
interface SeedUsage { cpu: number, nodes: Array<{ messages: number, blocks: number }> }

async function seedUsage (seeds: SeedProcess): Promise<SeedUsage> {
  const reply = new Promise<SeedUsage>(resolve => seeds.child.once('message', message => { resolve(message as SeedUsage) }))
  seeds.child.send('usage')
  return await reply
}

async function stopSeeds (child: ChildProcess): Promise<void> {
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.send('stop')
  await exited
}

/** The first `count` seeds: the processes that serve them, and their addresses. */
function firstSeeds (processes: SeedProcess[], count: number): { processes: SeedProcess[], addresses: SeedAddress[] } {
  const addresses = processes.flatMap(p => p.addresses).slice(0, count)
  return { processes: processes.filter(p => p.addresses.some(a => addresses.includes(a))), addresses }
}

/**
 * One fetch, with the CPU the seeds spent on it added to the fetcher's: over the timed part only, as the time is,
 * so the seeds' share of connecting to a fresh fetcher (handshakes, identify) counts in neither.
 */
async function fetchOnce (all: SeedProcess[], count: number, file: Awaited<ReturnType<typeof seededFile>>, variant: string): Promise<Outcome> {
  const { processes, addresses } = firstSeeds(all, count)
  let before: SeedUsage[] = []
  let after: SeedUsage[] = []
  const outcome = await fetchFromSeeds(addresses, file, VARIANTS[variant], {
    started: async () => { before = await Promise.all(processes.map(seedUsage)) },
    ended: async () => { after = await Promise.all(processes.map(seedUsage)) }
  })
  const per = (read: (node: { messages: number, blocks: number }) => number): number[] =>
    after.flatMap((usage, i) => usage.nodes.map((node, j) => read(node) - read(before[i].nodes[j]))).slice(0, count)
  if (process.env.DUPS_DEBUG != null) {
    console.log(`  ${variant}: blocks per seed ${per(n => n.blocks).join(' ')}; replies ${per(n => n.messages).join(' ')}; CPU ms per process ${after.map((usage, i) => (usage.cpu - before[i].cpu).toFixed(0)).join(' ')}`)
  }
  return {
    ...outcome,
    seedCpu: after.reduce((sum, usage, i) => sum + usage.cpu - before[i].cpu, 0),
    seedMessages: per(n => n.messages).reduce((sum, n) => sum + n, 0)
  }
}

const label = (chunk: number): string => chunk % KiB === 0 ? `${chunk / KiB} KiB` : `${chunk} B`
const range = (values: number[], digits = 2): string => `${median(values).toFixed(digits)} [${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}]`

console.log(`duplicates over real libp2p on 127.0.0.1, ${rounds} fetches per cell, fanout ${fanout}, ${args.together ? 'all seeds in one process' : 'a process per seed'}${args['half-windows'] ? ', half-window updates' : ''} (medians; time on a shared machine is noisy)`)
console.log('chunk      file     variant   seeds  blocks  duplicates (median, range)  dup %   time ms  CPU ms fetcher  seeds  messages out  in')
const ratios: string[] = []
for (const chunk of CHUNKS) {
  const bytes = Number(chunk < 256 * KiB ? args.small : args.large)
  const file = await seededFile(bytes, chunk, 500 + chunk, fanout > 0 ? fanout : undefined)
  // One set of seeds per chunk size; each round fetches once per variant and seed count, back to back, so the
  // machine's load falls on every cell alike and the per-round ratios compare like with like.
  // one process per seed, as on machines of their own; or all in one (--together), to tell what the processes cost
  const seeds = args.together
    ? [await startSeeds(bytes, chunk, 500 + chunk, Math.max(...SEEDS))]
    : await Promise.all(Array.from({ length: Math.max(...SEEDS) }, async () => startSeeds(bytes, chunk, 500 + chunk, 1)))
  const cells = new Map<string, Outcome[]>()
  const cell = (variant: string, count: number): Outcome[] => {
    const key = `${variant}/${count}`
    if (!cells.has(key)) cells.set(key, [])
    return cells.get(key) ?? []
  }
  try {
    for (let round = 0; round < rounds; round++) {
      for (const variant of variants) {
        for (const count of SEEDS) cell(variant, count).push(await fetchOnce(seeds, count, file, variant))
      }
    }
  } finally {
    await Promise.all(seeds.map(async s => stopSeeds(s.child)))
  }
  for (const variant of variants) {
    for (const count of SEEDS) {
      const outcomes = cell(variant, count)
      const dups = outcomes.map(o => o.duplicates)
      const blocks = outcomes[0].blocks
      console.log(`${label(chunk).padEnd(10)} ${`${(bytes / 1024 / 1024).toFixed(0)} MiB`.padEnd(8)} ${variant.padEnd(9)} ${String(count).padStart(5)} ${String(blocks).padStart(7)}  ${`${median(dups)} (${Math.min(...dups)}-${Math.max(...dups)})`.padStart(26)} ${(100 * median(dups) / blocks).toFixed(2).padStart(6)} ${median(outcomes.map(o => o.ms)).toFixed(0).padStart(9)} ${median(outcomes.map(o => o.cpu)).toFixed(0).padStart(15)} ${median(outcomes.map(o => o.seedCpu)).toFixed(0).padStart(6)} ${median(outcomes.map(o => o.messagesSent)).toFixed(0).padStart(13)} ${median(outcomes.map(o => o.seedMessages)).toFixed(0).padStart(5)}`)
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
