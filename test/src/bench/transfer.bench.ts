/**
 * Throughput over real libp2p on 127.0.0.1 (TCP + noise + yamux + identify): Swapwright to Swapwright, Helia to
 * Helia, and a raw libp2p stream writing the same blocks length-prefixed (the ceiling of the stack), on
 *   - 64 MiB in 1 MiB blocks,
 *   - 10,000 blocks of 1 KiB,
 * each repeated and reported as medians, with the ratios Swapwright/Helia and Swapwright/raw. Then the peak
 * resident memory of a Swapwright fetcher pulling 256 MiB into the filesystem store.
 *
 * Placement: every seed and every fetcher is its own child process (one seed and one fetcher per system), so the
 * two ends of a transfer run on separate event loops, as on two machines, and no system's heap, GC or leftover
 * timers can slow another's measurement. Only one transfer runs at a time; each round runs every system once,
 * back to back, so background load on the machine falls on all of them alike. Each fetch uses a fresh node,
 * connected (and identified) before the clock starts; the clock stops when the last block is in hand.
 *
 * Two ratios are printed: the ratio of the medians, and the median of the per-round ratios (each round's systems
 * ran seconds apart, so that one is the steadier when the machine's load drifts).
 *
 * Run: `npm run bench:transfer`. Options (after `--`):
 *   --rounds N            measured rounds (default 5)
 *   --warmup N            unmeasured rounds first (default 1), so every process has compiled its hot paths
 *   --systems a,b         subset of swapwright,helia,raw
 *   --workloads a,b       subset of big,small
 *   --no-rss              skip the memory measurement
 *   --rss-systems a,b     systems (or variant names) whose fetcher's memory is measured (default swapwright,cli; raw
 *                         and Helia keep the blocks in memory, so theirs is for comparison only); `cli` is the
 *                         swapwright command itself: serve and get in their own processes, as a person runs them
 *   --helia-window N      Helia gets in flight at once (default 1000; its server keeps 1024 wants per peer)
 *   --baseline DIR        also run Swapwright as built in another checkout DIR (before/after comparisons)
 *   --variant NAME=JSON   also run Swapwright with these createBitswap options on both nodes (repeatable)
 *   --node-flags NAME=F   also run Swapwright with these Node.js flags, e.g. a V8 heap setting (repeatable)
 *   --layouts a,b         Swapwright beside its one-seed, memory-store run (default 4seeds,fs,fs-4seeds; '' for
 *                         none): `4seeds` fetches from four seed processes serving the same blocks, `fs` puts the
 *                         filesystem store on both ends (seed and fetcher), `fs-4seeds` both. Printed as speed
 *                         ratios to the one-seed memory run of the same round: median and range
 *   --prof DIR            write a CPU profile of each measured transfer, fetcher and seed, to DIR
 * Environment: SWAPWRIGHT_BENCH_HEAP=1 makes --prof write sampled allocation profiles instead;
 * SWAPWRIGHT_BENCH_TRACE=PREFIX has Swapwright seeds and fetchers log every message they send and receive to
 * PREFIX-<role>-<pid>.log (see transfer/trace.ts);
 * SWAPWRIGHT_BENCH_DEBUG=1 has Swapwright fetchers print their link counters and memory at each new peak.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { median } from './median.js'
import { cliFetch } from './transfer/cli-fetch.js'
import { SYSTEMS, WORKLOADS, type FetchCommand, type FetchResult, type FromWorker, type SeedReady, type System, type WorkloadName } from './transfer/protocol.js'

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    systems: { type: 'string', default: SYSTEMS.join(',') },
    workloads: { type: 'string', default: 'big,small' },
    'no-rss': { type: 'boolean', default: false },
    'rss-systems': { type: 'string', default: 'swapwright,cli' },
    'helia-window': { type: 'string', default: '1000' },
    baseline: { type: 'string' },
    variant: { type: 'string', multiple: true, default: [] },
    'node-flags': { type: 'string', multiple: true, default: [] },
    layouts: { type: 'string', default: '4seeds,fs,fs-4seeds' },
    prof: { type: 'string' }
  }
})
const rounds = Number(args.rounds)
const warmup = Number(args.warmup)
const workloads = args.workloads.split(',').filter(Boolean) as WorkloadName[]
const heliaWindow = Number(args['helia-window'])
if (args.prof != null) mkdirSync(args.prof, { recursive: true })
const ownWorker = fileURLToPath(new URL('./transfer/worker.js', import.meta.url))

/** One column of the comparison: a system, run from some build, with some options. */
interface Entry {
  key: string
  system: System
  worker: string
  env?: Record<string, string>
  /** Seed processes serving the blocks (default 1; more only for Swapwright). */
  seeds?: number
  /** The fetcher's store, and with SWAPWRIGHT_BENCH_STORE in `env` the seeds' (default memory). */
  store?: 'memory' | 'fs'
}

/** The layouts `--layouts` may name: seeds and stores of a Swapwright run beside the plain one. */
const LAYOUTS: Record<string, Pick<Entry, 'seeds' | 'store'>> = {
  '4seeds': { seeds: 4 },
  fs: { store: 'fs' },
  'fs-4seeds': { seeds: 4, store: 'fs' }
}

const entries: Entry[] = args.systems.split(',').filter(Boolean).map(system => ({ key: system, system: system as System, worker: ownWorker }))
if (args.baseline != null) {
  entries.push({ key: 'baseline', system: 'swapwright', worker: resolve(args.baseline, 'test/dist/src/bench/transfer/worker.js') })
}
for (const variant of args.variant) {
  const at = variant.indexOf('=')
  entries.push({ key: variant.slice(0, at), system: 'swapwright', worker: ownWorker, env: { SWAPWRIGHT_BENCH_OPTIONS: variant.slice(at + 1) } })
}
const layoutKeys: string[] = []
if (entries.some(e => e.key === 'swapwright')) {
  for (const name of args.layouts.split(',').filter(Boolean)) {
    const layout = LAYOUTS[name]
    if (layout == null) throw new TypeError(`--layouts: unknown layout "${name}" (known: ${Object.keys(LAYOUTS).join(', ')})`)
    const key = `swapwright-${name}`
    layoutKeys.push(key)
    entries.push({ key, system: 'swapwright', worker: ownWorker, ...layout, ...(layout.store === 'fs' ? { env: { SWAPWRIGHT_BENCH_STORE: 'fs' } } : {}) })
  }
}
for (const flags of args['node-flags']) {
  const at = flags.indexOf('=')
  entries.push({ key: flags.slice(0, at), system: 'swapwright', worker: ownWorker, env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${flags.slice(at + 1)}`.trim() } })
}

/** A child process with a request/response helper over IPC. */
class Worker {
  readonly child: ChildProcess
  private readonly inbox: FromWorker[] = []
  private waiting: ((message: FromWorker) => void) | undefined

  constructor (entry: Entry, argv: string[]) {
    this.child = fork(entry.worker, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...entry.env } })
    this.child.on('message', (message: FromWorker) => {
      const waiting = this.waiting
      this.waiting = undefined
      if (waiting != null) waiting(message)
      else this.inbox.push(message)
    })
  }

  async next (): Promise<FromWorker> {
    const queued = this.inbox.shift()
    if (queued != null) return queued
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => { reject(new Error(`worker exited with code ${code}`)) }
      this.child.once('exit', onExit)
      this.waiting = message => {
        this.child.off('exit', onExit)
        resolve(message)
      }
    })
  }

  /** Starts a CPU profile, or stops it and writes it to `file`. */
  async profile (file?: string): Promise<void> {
    this.child.send({ type: 'profile', file })
    const reply = await this.next()
    if (reply.type !== 'profiled') throw new Error(`unexpected reply ${reply.type}`)
  }

  /** The CPU time the worker's process has used so far, in ms. */
  async cpu (): Promise<number> {
    this.child.send({ type: 'cpu' })
    const reply = await this.next()
    if (reply.type !== 'cpu') throw new Error(`unexpected reply ${reply.type}`)
    return reply.ms
  }

  async request (command: FetchCommand): Promise<FetchResult> {
    this.child.send(command)
    const reply = await this.next()
    if (reply.type === 'error') throw new Error(reply.message)
    if (reply.type !== 'result') throw new Error(`unexpected reply ${reply.type}`)
    return reply
  }

  async stop (): Promise<void> {
    if (this.child.exitCode != null) return
    const exited = new Promise(resolve => this.child.once('exit', resolve))
    this.child.send({ type: 'stop' })
    await exited
  }
}

interface Seed { worker: Worker, ready: SeedReady }

async function startSeed (entry: Entry, names: WorkloadName[]): Promise<Seed> {
  const worker = new Worker(entry, ['seed', entry.system, ...names])
  const ready = await worker.next()
  if (ready.type !== 'seed-ready') throw new Error(`seed of ${entry.key} failed to start: ${JSON.stringify(ready)}`)
  return { worker, ready }
}

/** Every seed process of an entry (they serve the same blocks); the first one is the one profiled. */
async function startSeeds (entry: Entry, names: WorkloadName[]): Promise<Seed[]> {
  const seeds: Seed[] = []
  for (let i = 0; i < (entry.seeds ?? 1); i++) seeds.push(await startSeed(entry, names))
  return seeds
}

async function seedsCpu (seeds: Seed[]): Promise<number> {
  let ms = 0
  for (const seed of seeds) ms += await seed.worker.cpu()
  return ms
}

async function startFetcher (entry: Entry): Promise<Worker> {
  const worker = new Worker(entry, ['fetcher', entry.system])
  const ready = await worker.next()
  if (ready.type !== 'fetcher-ready') throw new Error(`fetcher of ${entry.key} failed to start`)
  return worker
}

const MiB = 1024 * 1024
/** The files `swapwright get` fetches for the memory measurement: MiB, and chunk size (undefined: 1 MiB). */
const CLI_FILES: Array<[number, number | undefined]> = [[WORKLOADS.rss.count * WORKLOADS.rss.size / MiB, undefined], [16, 1024]]
/** The times of the rounds that completed. */
const finite = (values: number[]): number[] => values.filter(Number.isFinite)
const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

async function main (): Promise<void> {
  console.log(`transfer benchmark: ${rounds} rounds after ${warmup} warmup, node ${process.version}, ${entries.map(e => e.key).join(', ')}`)
  const seeds = new Map<string, Seed[]>()
  const fetchers = new Map<string, Worker>()
  for (const entry of entries) {
    seeds.set(entry.key, await startSeeds(entry, workloads))
    fetchers.set(entry.key, await startFetcher(entry))
  }

  /** Milliseconds per workload and entry, one per round. */
  const samples = new Map<string, number[]>()
  const at = (workload: WorkloadName, key: string): number[] => samples.get(`${workload}/${key}`) ?? []
  /** The fetcher's (and, under `.../seed`, the seed's) process CPU time during each measured fetch. */
  const cpu = new Map<string, number[]>()
  /** Why a fetch of another system failed, per workload and entry (its time in `samples` is NaN). */
  const failures = new Map<string, string[]>()
  try {
    for (let round = 1 - warmup; round <= rounds; round++) {
      for (const workload of workloads) {
        for (const entry of entries) {
          const entrySeeds = seeds.get(entry.key)!
          const seed = entrySeeds[0]
          const profiling = args.prof != null && round > 0
          const file = (role: string): string => join(args.prof ?? '', `${entry.key}-${workload}-${round}-${role}.cpuprofile`)
          if (profiling) await seed.worker.profile()
          const seedCpuBefore = await seedsCpu(entrySeeds)
          let result: FetchResult
          try {
            result = await fetchers.get(entry.key)!.request({
            type: 'fetch', workload, seed: { peer: seed.ready.peer, addresses: seed.ready.addresses },
            moreSeeds: entrySeeds.slice(1).map(s => ({ peer: s.ready.peer, addresses: s.ready.addresses })),
            cids: seed.ready.cids[workload] ?? [], store: entry.store ?? 'memory', window: heliaWindow,
            profile: profiling ? file('fetcher') : undefined
            })
          } catch (err) {
            // Only other systems may fail and be reported: a Swapwright fetch that fails is a defect to fix.
            if (entry.system === 'swapwright') throw err
            if (profiling) await seed.worker.profile(file('seed'))
            console.log(`  ${round <= 0 ? 'warmup ' : `round ${round}`} ${WORKLOADS[workload].label.padEnd(24)} ${entry.key.padEnd(10)} FAILED: ${(err as Error).message}`)
            if (round > 0) {
              samples.set(`${workload}/${entry.key}`, [...at(workload, entry.key), NaN])
              failures.set(`${workload}/${entry.key}`, [...(failures.get(`${workload}/${entry.key}`) ?? []), (err as Error).message])
            }
            continue
          }
          const seedCpu = await seedsCpu(entrySeeds) - seedCpuBefore
          if (profiling) await seed.worker.profile(file('seed'))
          const mbs = result.bytes / 1e6 / (result.ms / 1000)
          const line = `${WORKLOADS[workload].label.padEnd(24)} ${entry.key.padEnd(10)} ${fmt(result.ms, 0).padStart(7)} ms  ${fmt(mbs).padStart(7)} MB/s  ${fmt(result.blocks / (result.ms / 1000), 0).padStart(7)} blocks/s  CPU fetcher ${fmt(result.cpu, 0).padStart(5)} ms seed ${fmt(seedCpu, 0).padStart(5)} ms${result.first == null ? '' : `  first block ${fmt(result.first, 0)} ms`}`
          if (round <= 0) {
            console.log(`  warmup  ${line}`)
            continue
          }
          samples.set(`${workload}/${entry.key}`, [...at(workload, entry.key), result.ms])
          cpu.set(`${workload}/${entry.key}`, [...(cpu.get(`${workload}/${entry.key}`) ?? []), result.cpu])
          cpu.set(`${workload}/${entry.key}/seed`, [...(cpu.get(`${workload}/${entry.key}/seed`) ?? []), seedCpu])
          console.log(`  round ${round} ${line}`)
        }
      }
    }
  } finally {
    await Promise.all([...fetchers.values()].map(async w => w.stop()))
    await Promise.all([...seeds.values()].flat().map(async s => s.worker.stop()))
  }

  /** Swapwright against `other`: the ratio of medians, and the median of the per-round ratios. */
  const versus = (workload: WorkloadName, key: string, other: string): string => {
    const mine = at(workload, key)
    const theirs = at(workload, other)
    if (key === other || mine.length === 0 || theirs.length === 0) return ''
    // Rounds where the other system failed have no time: the ratios are over the rounds both completed.
    const perRound = mine.map((ms, i) => theirs[i] / ms).filter(Number.isFinite)
    const failed = theirs.filter(ms => !Number.isFinite(ms)).length
    const note = failed === 0 ? '' : ` [${other} failed ${failed} of ${theirs.length} rounds]`
    if (perRound.length === 0) return `n/a${note}`
    return `${fmt(median(finite(theirs)) / median(mine), 2)}x (${fmt(median(perRound), 2)}x)${note}`
  }
  const isSwapwright = (key: string): boolean => entries.find(e => e.key === key)?.system === 'swapwright'

  console.log('\nmedians; ratios are speed (time of the other / time of this), then the median of per-round ratios')
  const extra = entries.filter(e => e.key !== 'swapwright' && e.system === 'swapwright' && !layoutKeys.includes(e.key)).map(e => e.key)
  console.log(`| workload | system | ms | MB/s | blocks/s | CPU ms fetcher / seed | vs Helia | vs raw |${extra.map(k => ` swapwright vs ${k} |`).join('')}`)
  console.log(`|---|---|---:|---:|---:|---:|---:|---:|${extra.map(() => '---:|').join('')}`)
  for (const workload of workloads) {
    const { count, size } = WORKLOADS[workload]
    for (const entry of entries) {
      const t = median(finite(at(workload, entry.key)))
      const swapwright = isSwapwright(entry.key)
      const cells = [
        WORKLOADS[workload].label, entry.key, fmt(t, 0), fmt(count * size / 1e6 / (t / 1000)), fmt(count / (t / 1000), 0),
        `${fmt(median(cpu.get(`${workload}/${entry.key}`) ?? []), 0)} / ${fmt(median(cpu.get(`${workload}/${entry.key}/seed`) ?? []), 0)}`,
        swapwright ? versus(workload, entry.key, 'helia') : '',
        swapwright ? versus(workload, entry.key, 'raw') : '',
        ...extra.map(k => entry.key === 'swapwright' ? versus(workload, 'swapwright', k) : '')
      ]
      console.log(`| ${cells.join(' | ')} |`)
    }
  }
  for (const [key, reasons] of failures) {
    console.log(`\n${key} failed in ${reasons.length} of ${rounds} rounds (its times and ratios above are of the other rounds):`)
    for (const reason of new Set(reasons)) console.log(`  ${reason}`)
  }

  if (layoutKeys.length > 0) {
    console.log('\nSwapwright layouts: speed against one seed with the memory store in the same round (its time / this time), median [range] of per-round ratios')
    console.log(`| workload | layout | ms | blocks/s | speed vs one seed, memory |`)
    console.log('|---|---|---:|---:|---:|')
    for (const workload of workloads) {
      const base = at(workload, 'swapwright')
      for (const key of layoutKeys) {
        const mine = at(workload, key)
        const ratios = mine.map((ms, i) => base[i] / ms)
        const t = median(mine)
        console.log(`| ${WORKLOADS[workload].label} | ${key} | ${fmt(t, 0)} | ${fmt(WORKLOADS[workload].count / (t / 1000), 0)} | ` +
          `${fmt(median(ratios), 2)} [${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)}] |`)
      }
    }
  }

  if (!args['no-rss']) {
    for (const name of args['rss-systems'].split(',').filter(Boolean)) {
      if (name === 'cli') {
        for (const [megabytes, chunkSize] of CLI_FILES) {
          const result = await cliFetch(megabytes, chunkSize)
          console.log(`\nswapwright get (the command): ${megabytes} MiB file in ${chunkSize == null ? '1 MiB' : `${chunkSize} B`} chunks into its repository on disk: ${fmt(result.ms, 0)} ms ` +
            `(${fmt(result.bytes / 1e6 / (result.ms / 1000))} MB/s, ${fmt(result.blocks / (result.ms / 1000), 0)} blocks/s, serve and get started as installed); peak RSS ${fmt(result.peakMemoryBytes / MiB)} MiB`)
        }
        continue
      }
      // A fresh seed and a fresh fetcher process, so the fetcher's peak RSS is this fetch's and nothing earlier's.
      const entry = entries.find(e => e.key === name) ?? { key: name, system: name as System, worker: ownWorker }
      const seed = await startSeed(entry, ['rss'])
      const fetcher = await startFetcher(entry)
      try {
        const result = await fetcher.request({
          type: 'fetch', workload: 'rss', seed: { peer: seed.ready.peer, addresses: seed.ready.addresses },
          cids: seed.ready.cids.rss ?? [], store: 'fs', window: heliaWindow
        })
        console.log(`\n${name}: ${WORKLOADS.rss.label}: ${fmt(result.ms, 0)} ms (${fmt(result.bytes / 1e6 / (result.ms / 1000))} MB/s); ` +
          `fetcher RSS before ${fmt(result.rssBefore / MiB)} MiB, sampled peak ${fmt(result.rssPeak / MiB)} MiB, ` +
          `process max RSS ${fmt(result.maxRss / MiB)} MiB`)
      } finally {
        await fetcher.stop()
        await seed.worker.stop()
      }
    }
  }
}

await main()
