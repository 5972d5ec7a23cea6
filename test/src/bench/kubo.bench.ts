/**
 * Kubo and Swapwright side by side, over TCP + noise + yamux on 127.0.0.1: each fetcher fetches a UnixFS file
 * from one seed or from four, for every pair of fetcher and seed implementation:
 *   Kubo → Kubo (the baseline), Swapwright → Swapwright, Kubo → Swapwright (Kubo seeds, Swapwright fetches) and
 *   Swapwright → Kubo (Swapwright seeds, Kubo fetches);
 * on 128 MiB in 1 MiB blocks and 16 MiB in 1 KiB blocks (the same DAG for everyone: Kubo adds it with raw
 * leaves, and the Swapwright seeds serve the blocks `swapwright get` fetched from Kubo).
 *
 * Each fetch is a person's command in a fresh repository: `swapwright get --peer ... -o FILE`, or for Kubo a
 * fresh daemon, `ipfs swarm connect` to the seeds, `ipfs refs -r` (Kubo's fastest whole-DAG fetch) and
 * `ipfs get -o FILE`. Measured per fetch:
 *   - whole: from starting the fetcher to the file written (the daemon's start included for Kubo);
 *   - blocks/s after connect: the DAG's blocks over the time from connected to done (`get`'s own `seconds`;
 *     for Kubo, the `ipfs refs -r` command);
 *   - duplicate blocks the fetcher received (its summary; Kubo's `ipfs stats bitswap`);
 *   - the fetcher's peak resident memory (its summary; the Kubo daemon's VmHWM).
 * Seeds stay up for a workload's rounds. Each round runs every system once, back to back, so background load
 * falls on all alike. Printed: the median and range of each metric over the rounds, and each system's ratio to
 * Kubo → Kubo (time ratios below 1 and rate ratios above 1 are faster than Kubo).
 *
 * Run: `npm run bench:kubo` (needs `npm run kubo:install`). Options (after `--`):
 *   --rounds N        measured rounds (default 5; fewer for a quick look)
 *   --warmup N        unmeasured rounds first (default 1)
 *   --systems a,b     subset of kubo-kubo,sw-sw,kubo-sw,sw-kubo (seed-fetcher)
 *   --workloads a,b   subset of big,small (and huge: 1 GiB in 1 MiB blocks, one seed, not run by default)
 *   --seeds a,b       seed counts (default 1,4)
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { kuboBenchFolder, kuboDagInRepo } from './kubo-setup.js'
import { median } from './median.js'
import { runCli, startServe, type CliProcess } from '../util/cli-process.js'
import { KuboNode } from '../util/kubo-node.js'

const MiB = 1024 * 1024
/**
 * A fetch that stalls this long fails and is counted, instead of hanging the bench (Kubo → Kubo at 1 KiB blocks
 * has been seen to stall for good with a few wants left, on a heavily loaded machine).
 */
const FETCH_TIMEOUT_S = 120

const WORKLOADS = {
  big: { label: '128 MiB in 1 MiB blocks', size: 128 * MiB, chunk: MiB },
  small: { label: '16 MiB in 1 KiB blocks', size: 16 * MiB, chunk: 1024 },
  huge: { label: '1 GiB in 1 MiB blocks', size: 1024 * MiB, chunk: MiB }
} as const
type WorkloadName = keyof typeof WORKLOADS

const SYSTEMS = ['kubo-kubo', 'sw-sw', 'kubo-sw', 'sw-kubo'] as const
type System = typeof SYSTEMS[number]
const LABELS: Record<System, string> = { 'kubo-kubo': 'Kubo → Kubo', 'sw-sw': 'Swapwright → Swapwright', 'kubo-sw': 'Kubo → Swapwright', 'sw-kubo': 'Swapwright → Kubo' }

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    systems: { type: 'string', default: SYSTEMS.join(',') },
    workloads: { type: 'string', default: 'big,small' },
    seeds: { type: 'string', default: '1,4' }
  }
})
const rounds = Number(args.rounds)
const warmup = Number(args.warmup)
const systems = args.systems.split(',').filter(Boolean) as System[]
const workloads = args.workloads.split(',').filter(Boolean) as WorkloadName[]
const seedCounts = args.seeds.split(',').map(Number)
for (const s of systems) if (!SYSTEMS.includes(s)) throw new Error(`unknown system ${s}; one of ${SYSTEMS.join(', ')}`)
for (const w of workloads) if (!(w in WORKLOADS)) throw new Error(`unknown workload ${w}; one of ${Object.keys(WORKLOADS).join(', ')}`)

interface Fetch {
  wholeMs: number
  blocksPerSecond: number
  duplicates: number
  peakRssBytes: number
}

/** The seeds of one workload: Kubo daemons holding the file, and `swapwright serve` processes of the same blocks. */
interface Seeds {
  root: string
  blocks: number
  kubo: KuboNode[]
  swapwright: Array<{ process: CliProcess, address: string }>
}

async function startSeeds (work: string, name: WorkloadName, count: number): Promise<Seeds> {
  const workload = WORKLOADS[name]
  const kubo = await Promise.all(Array.from({ length: count }, async () => KuboNode.start()))
  // The Swapwright seeds serve exactly Kubo's DAG: fetched once from Kubo into a repository they all read.
  const repo = join(work, `${name}-seed-repo`)
  const { root, blocks } = await kuboDagInRepo(kubo, work, { name: `${name}.bin`, size: workload.size, chunk: workload.chunk, repo })
  const swapwright = await Promise.all(Array.from({ length: count }, async () => {
    const { server, address } = await startServe(['--repo', repo], work)
    return { process: server, address }
  }))
  return { root, blocks, kubo, swapwright }
}

async function stopSeeds (seeds: Seeds): Promise<void> {
  await Promise.all([...seeds.kubo.map(async k => k.stop()), ...seeds.swapwright.map(async s => s.process.stop())])
}

async function kuboFetch (work: string, root: string, blocks: number, from: string[]): Promise<Fetch> {
  const out = join(await mkdtemp(join(work, 'kubo-fetch-')), 'out')
  const started = performance.now()
  const fetcher = await KuboNode.start()
  try {
    for (const address of from) await fetcher.rpc('swarm/connect', { arg: address })
    const connected = performance.now()
    // Kubo's fastest way to fetch a whole DAG: `ipfs get` alone reads a file's leaves a few at a time (about
    // five times slower here at 1 KiB blocks); `refs -r` asks for many at once. Then `get` writes the file.
    await fetcher.ipfs(['refs', '-r', `--timeout=${FETCH_TIMEOUT_S}s`, root])
    const fetched = performance.now()
    await fetcher.ipfs(['get', '-o', out, root])
    const done = performance.now()
    const stats = await fetcher.bitswapStats()
    if (stats.BlocksReceived < blocks) throw new Error(`Kubo received ${stats.BlocksReceived} of ${blocks} blocks`)
    return {
      wholeMs: done - started,
      blocksPerSecond: blocks / ((fetched - connected) / 1000),
      duplicates: stats.DupBlksReceived,
      peakRssBytes: await fetcher.peakRssBytes() ?? NaN
    }
  } finally {
    await fetcher.stop()
    await rm(join(out, '..'), { recursive: true, force: true })
  }
}

async function swapwrightFetch (work: string, root: string, from: string[]): Promise<Fetch> {
  const dir = await mkdtemp(join(work, 'sw-fetch-'))
  try {
    const started = performance.now()
    const run = await runCli(['get', root, ...from.flatMap(address => ['--peer', address]), '-o', join(dir, 'out'), '--repo', join(dir, 'repo'),
      '--idle-timeout', String(FETCH_TIMEOUT_S), '--json'], dir)
    const wholeMs = performance.now() - started
    if (run.code !== 0) throw new Error(`swapwright get exited with ${run.code}: ${run.stderr}`)
    const done = run.events.find(e => e.event === 'done') as Record<string, number>
    return { wholeMs, blocksPerSecond: done.received / done.seconds, duplicates: done.duplicates, peakRssBytes: done.peakMemoryBytes }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function fetchOnce (system: System, work: string, seeds: Seeds, count: number): Promise<Fetch> {
  const kuboSeeds = seeds.kubo.slice(0, count).map(k => k.address)
  const swSeeds = seeds.swapwright.slice(0, count).map(s => s.address)
  switch (system) {
    case 'kubo-kubo': return kuboFetch(work, seeds.root, seeds.blocks, kuboSeeds)
    case 'sw-kubo': return kuboFetch(work, seeds.root, seeds.blocks, swSeeds)
    case 'sw-sw': return swapwrightFetch(work, seeds.root, swSeeds)
    case 'kubo-sw': return swapwrightFetch(work, seeds.root, kuboSeeds)
  }
}

function summary (values: number[], format: (n: number) => string): string {
  return `${format(median(values))} [${format(Math.min(...values))}–${format(Math.max(...values))}]`
}

async function main (): Promise<void> {
  const work = await kuboBenchFolder('kubo')
  if (work == null) return
  const rows: string[] = []
  try {
    for (const name of workloads) {
      const counts = name === 'huge' ? [1] : seedCounts
      const seeds = await startSeeds(work, name, Math.max(...counts))
      try {
        for (const count of counts) {
          const results = new Map<System, Fetch[]>(systems.map(s => [s, []]))
          const failures = new Map<System, number>(systems.map(s => [s, 0]))
          for (let round = 0; round < warmup + rounds; round++) {
            const fetches = new Map<System, Fetch>()
            for (const system of systems) {
              try {
                fetches.set(system, await fetchOnce(system, work, seeds, count))
              } catch (err) {
                failures.set(system, (failures.get(system) ?? 0) + 1)
                process.stderr.write(`${LABELS[system]} failed: ${(err as Error).message.slice(0, 300)}\n`)
              }
            }
            // A round counts only when every system finished it, so per-round ratios compare like with like.
            if (round >= warmup && fetches.size === systems.length) for (const [system, fetch] of fetches) results.get(system)?.push(fetch)
            process.stderr.write(`${WORKLOADS[name].label}, ${count} seed(s): round ${round + 1 - warmup}/${rounds}${round < warmup ? ' (warm-up)' : ''}\n`)
          }
          const base = results.get('kubo-kubo')
          const first = rows.length
          const failed = [...failures].filter(([, n]) => n > 0).map(([system, n]) => `${LABELS[system]} failed ${n}×`).join(', ')
          rows.push(`\n${WORKLOADS[name].label}, ${count} seed${count > 1 ? 's' : ''} (${seeds.blocks} blocks), median [range] over ` +
            `${results.get(systems[0])?.length ?? 0} complete rounds of ${rounds}${failed === '' ? '' : `; ${failed}`}`)
          rows.push('| seed → fetcher | whole (s) | blocks/s after connect | duplicates | peak RSS (MiB) | whole vs Kubo→Kubo | blocks/s vs Kubo→Kubo |')
          rows.push('|---|---|---|---|---|---|---|')
          for (const system of systems) {
            const r = results.get(system) ?? []
            // Per-round ratios: each round's systems ran seconds apart, so they share the machine's load.
            if (r.length === 0) continue
            const wholeRatio = base == null ? [] : r.map((f, i) => f.wholeMs / base[i].wholeMs)
            const rateRatio = base == null ? [] : r.map((f, i) => f.blocksPerSecond / base[i].blocksPerSecond)
            rows.push(`| ${LABELS[system]} | ${summary(r.map(f => f.wholeMs / 1000), n => n.toFixed(2))} | ` +
              `${summary(r.map(f => f.blocksPerSecond), n => n.toFixed(0))} | ${summary(r.map(f => f.duplicates), n => n.toFixed(0))} | ` +
              `${summary(r.map(f => f.peakRssBytes / MiB), n => n.toFixed(0))} | ` +
              `${base == null ? '–' : summary(wholeRatio, n => n.toFixed(2))} | ${base == null ? '–' : summary(rateRatio, n => n.toFixed(2))} |`)
          }
          console.log(rows.slice(first).join('\n'))
        }
      } finally {
        await stopSeeds(seeds)
      }
    }
    console.log('\n# Summary (whole: lower is faster; ratios are per round, system / Kubo→Kubo)')
    console.log(rows.join('\n'))
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

await main()
// Seeds and fetchers are all stopped above; nothing else should hold the loop, but a stray handle must not.
process.exit(process.exitCode ?? 0)
