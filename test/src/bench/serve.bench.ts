/**
 * One server, many fetchers at once: `swapwright serve` (the command, as its own process) beside Kubo's own
 * server and beside the floor of the stack (a raw libp2p stream over the same TCP + noise + yamux pushing the same
 * bytes), all on 127.0.0.1, serving one 64 MiB file in 1 MiB raw leaves (Kubo adds it; the Swapwright server
 * serves exactly that DAG, fetched once from Kubo into its repository).
 *
 * Crowds: N = 1, 4, 8, 16 fetchers released at the same moment, of two kinds:
 *   - `swapwright get` processes, each in a fresh repository (started together: their start-up overlaps the
 *     others' transfers, as a crowd's does);
 *   - Kubo daemons, started beforehand, emptied (`repo gc`) and connected to the server alone, then released
 *     together with `refs -r` through their API.
 * Printed per N and server: aggregate throughput (all bytes over the span from the first fetcher's transfer start
 * to the last one's end), fairness (slowest / fastest fetcher), the server's CPU seconds per GiB served (utime +
 * stime from /proc/<pid>/stat around the crowd), its peak RSS in the crowd (VmHWM, reset before through
 * /proc/<pid>/clear_refs), duplicate blocks the fetchers received, fetchers completed, and per-round ratios to
 * Kubo's server and to the floor.
 *
 * Then: a burst of 64 simultaneous `swapwright get` from one address (a 4 MiB file; how many are byte-exact), and
 * the command's start-up: `--help` as a whole process, `get`'s first want after process start, and a whole `get`
 * of 128 MiB in 1 MiB blocks from `swapwright serve` against Kubo → Kubo (`ipfs get` as a whole process against a
 * running, emptied Kubo daemon connected to the Kubo server). Every `swapwright` process starts through the
 * launcher npm links (bin/swapwright.js), as users start it: it runs the bundle `npm run build` makes.
 *
 * Every round runs every server once per cell, back to back, so background load falls on all alike; medians and
 * ranges are over rounds, ratios are per round.
 *
 * Run: `npm run bench:serve` (Kubo parts need `npm run kubo:install`). Options (after `--`):
 *   --rounds N          measured rounds (default 3)
 *   --quick             one round, N = 1 and 4, a burst of 16: a fast check that everything runs
 *   --counts a,b        crowd sizes (default 1,4,8,16)
 *   --fetchers a,b      subset of sw,kubo (fetcher kinds)
 *   --parts a,b         subset of crowd,burst,startup
 *   --burst N           simultaneous gets in the burst (default 64)
 *   --baseline NAME=CLI also serve with another build of the command (e.g. a bundle of the base commit's
 *                       dist/src/cli.js), as server NAME, for before/after in the same run (repeatable);
 *                       NAME=CLI@FLAGS runs it with these Node flags (space-separated) instead
 *   --serve-flags F     Node flags for the Swapwright servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
 *                       (replacing the command's own `#!` flags)
 *   --floor-prof DIR    write a CPU profile of the floor's sending process over each of its crowds, to DIR
 */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { kuboBenchFolder, kuboDagInRepo, sha256File, type KuboDag } from './kubo-setup.js'
import { median } from './median.js'
import { WORKLOADS as RAW_WORKLOADS, type FromWorker, type SeedReady } from './transfer/protocol.js'
import { LAUNCHER, nodeFlags, runCli, servingPid, startServe as startServeProcess } from '../util/cli-process.js'
import { KuboNode } from '../util/kubo-node.js'

const MiB = 1024 * 1024
const GiB = 1024 * MiB
const CROWD_SIZE = 64 * MiB
const WHOLE_SIZE = 128 * MiB
const BURST_SIZE = 4 * MiB
/** A fetch that stalls this long fails and is counted rather than hanging the bench. */
const FETCH_TIMEOUT_S = 120
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    counts: { type: 'string' },
    fetchers: { type: 'string', default: 'sw,kubo' },
    parts: { type: 'string', default: 'crowd,burst,startup' },
    burst: { type: 'string' },
    baseline: { type: 'string', multiple: true, default: [] },
    'serve-flags': { type: 'string' },
    'floor-prof': { type: 'string' }
  }
})
const rounds = args.quick ? 1 : Number(args.rounds)
const counts = (args.counts ?? (args.quick ? '1,4' : '1,4,8,16')).split(',').map(Number)
const fetcherKinds = args.fetchers.split(',').filter(Boolean) as FetcherKind[]
const parts = new Set(args.parts.split(','))
const burstSize = Number(args.burst ?? (args.quick ? 16 : 64))
const rawWorker = fileURLToPath(new URL('./transfer/worker.js', import.meta.url))

type FetcherKind = 'sw' | 'kubo'
/** 'kubo', 'sw', 'floor', or the name of a baseline build. */
type ServerName = string
const LABELS: Record<string, string> = { kubo: "Kubo's server", sw: 'swapwright serve', floor: 'raw stream (floor)' }
const label = (name: ServerName): string => LABELS[name] ?? `swapwright serve (${name})`

/** A server process whose CPU time and peak memory the bench reads from /proc. */
interface Server {
  name: ServerName
  pid: number
  address: string
  stop: () => Promise<void>
}

interface Crowd {
  /** All fetchers' bytes over the span from the first transfer's start to the last one's end, MB/s. */
  throughput: number
  /** The slowest fetcher's transfer time over the fastest's. */
  fairness: number
  /** Server CPU seconds per GiB it served. */
  cpuPerGiB: number
  peakRssMiB: number
  duplicates: number
  completed: number
}

// ------------------------------------------------------------------------------------------------ /proc readings

async function cpuSeconds (pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ
}

/** Resets the process's peak RSS (VmHWM) so the next reading is the peak from now on. */
async function resetPeak (pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => {})
}

async function peakRss (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN) * 1024
}

/** Runs `crowd` between CPU and peak-memory readings of the server. */
async function measured (server: Server, bytesServed: (r: CrowdRun) => number, crowd: () => Promise<CrowdRun>): Promise<Crowd> {
  await resetPeak(server.pid)
  const cpuBefore = await cpuSeconds(server.pid)
  const run = await crowd()
  const cpu = await cpuSeconds(server.pid) - cpuBefore
  const served = bytesServed(run)
  const spans = run.spans
  const start = Math.min(...spans.map(s => s.start))
  const end = Math.max(...spans.map(s => s.end))
  const durations = spans.map(s => s.end - s.start)
  return {
    throughput: served / 1e6 / ((end - start) / 1000),
    fairness: Math.max(...durations) / Math.min(...durations),
    cpuPerGiB: cpu / (served / GiB),
    peakRssMiB: await peakRss(server.pid) / MiB,
    duplicates: run.duplicates,
    completed: run.completed
  }
}

/** What the fetchers of one crowd saw: each completed one's transfer span (ms, one clock), duplicates in all. */
interface CrowdRun {
  spans: Array<{ start: number, end: number }>
  duplicates: number
  completed: number
}

// ------------------------------------------------------------------------------------------------------ servers

async function startServe (name: ServerName, cli: string, repo: string, work: string, ownFlags?: string): Promise<Server> {
  const given = ownFlags ?? args['serve-flags']
  const flags = given == null ? undefined : given.split(/\s+/).filter(Boolean)
  const { server, address } = await startServeProcess(['--repo', repo], work, { cli, flags })
  return { name, pid: await servingPid(server.child.pid as number), address, stop: server.stop }
}

function kuboServer (node: KuboNode): Server {
  return { name: 'kubo', pid: node.pid, address: node.address, stop: async () => { await node.stop() } }
}

// ----------------------------------------------------------------------------------------------------- fetchers

/** N `swapwright get` processes started at once against `address`, each into a fresh repository. */
async function swCrowd (work: string, root: string, address: string, n: number, size: number, digest?: string): Promise<CrowdRun> {
  const dir = await mkdtemp(join(work, 'crowd-'))
  try {
    const flags = await nodeFlags()
    const runs = await Promise.all(Array.from({ length: n }, async (_, i) => {
      const child = spawn(process.execPath, [...flags, LAUNCHER, 'get', root, '--peer', address, '-o', join(dir, `out-${i}`),
        '--repo', join(dir, `repo-${i}`), '--idle-timeout', String(FETCH_TIMEOUT_S), '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      let doneAt = NaN
      child.stdout.on('data', chunk => {
        stdout += String(chunk)
        if (Number.isNaN(doneAt) && stdout.includes('"event":"done"')) doneAt = performance.now()
      })
      child.stderr.on('data', chunk => { stderr += String(chunk) })
      const [code] = await once(child, 'exit') as [number | null]
      const done = stdout.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l)).find(e => e.event === 'done')
      if (code !== 0 || done == null) {
        process.stderr.write(`  get ${i} exited ${code}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}\n`)
        return undefined
      }
      const out = join(dir, `out-${i}`)
      const exact = digest == null ? (await stat(out)).size === size : await sha256File(out) === digest
      if (!exact) process.stderr.write(`  get ${i}: the file differs from the original\n`)
      return exact ? { done, doneAt } : undefined
    }))
    const ok = runs.filter(r => r != null)
    return {
      spans: ok.map(({ done, doneAt }) => ({ start: doneAt - done.seconds * 1000, end: doneAt })),
      duplicates: ok.reduce((sum, r) => sum + Number(r.done.duplicates), 0),
      completed: ok.length
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** A Kubo API call whose answer is a stream of JSON lines (refs, repo gc): read to the end, not parsed. */
async function kuboStream (node: KuboNode, command: string, args: Record<string, string> = {}): Promise<void> {
  const response = await fetch(`${node.api}/${command}?${new URLSearchParams(args).toString()}`, { method: 'POST' })
  const text = await response.text()
  if (!response.ok || /"Err":"[^"]/.test(text)) throw new Error(`Kubo ${command} answered ${response.status}: ${text.slice(0, 200)}`)
}

/** Empties a Kubo fetcher and leaves it connected to `address` alone. */
async function kuboReady (fetcher: KuboNode, address: string): Promise<void> {
  const peers = await fetcher.rpc('swarm/peers') as { Peers: Array<{ Addr: string, Peer: string }> | null }
  for (const peer of peers.Peers ?? []) {
    if (!address.endsWith(peer.Peer)) await fetcher.rpc('swarm/disconnect', { arg: `${peer.Addr}/p2p/${peer.Peer}` }).catch(() => {})
  }
  await kuboStream(fetcher, 'repo/gc')
  await fetcher.rpc('swarm/connect', { arg: address })
}

/** Kubo daemons, emptied and connected to the server beforehand, released at once with `refs -r`. */
async function kuboCrowd (fetchers: KuboNode[], root: string, address: string, blocks: number): Promise<CrowdRun> {
  await Promise.all(fetchers.map(async f => { await kuboReady(f, address) }))
  const before = await Promise.all(fetchers.map(async f => f.bitswapStats()))
  const released = performance.now()
  const ends = await Promise.all(fetchers.map(async f => {
    try {
      await kuboStream(f, 'refs', { arg: root, recursive: 'true', timeout: `${FETCH_TIMEOUT_S}s` })
      return performance.now()
    } catch (err) {
      process.stderr.write(`  Kubo fetch failed: ${(err as Error).message.slice(0, 200)}\n`)
      return undefined
    }
  }))
  const after = await Promise.all(fetchers.map(async f => f.bitswapStats()))
  let duplicates = 0
  const spans: CrowdRun['spans'] = []
  fetchers.forEach((_, i) => {
    duplicates += after[i].DupBlksReceived - before[i].DupBlksReceived
    const end = ends[i]
    if (end != null && after[i].BlocksReceived - before[i].BlocksReceived >= blocks) spans.push({ start: released, end })
  })
  return { spans, duplicates, completed: spans.length }
}

/** The floor: forked raw-stream workers of the transfer bench, one seed and a pool of fetchers. */
interface Floor {
  server: Server
  process: ChildProcess
  seed: SeedReady
  fetchers: ChildProcess[]
}

function nextMessage (child: ChildProcess, type: string): Promise<FromWorker> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker): void => {
      if (message.type === 'error') reject(new Error(message.message))
      else if (message.type !== type) return
      child.off('message', onMessage)
      resolve(message)
    }
    child.on('message', onMessage)
  })
}

async function startFloor (n: number): Promise<Floor> {
  // The floor encrypts as the command does, so it is the floor of the stack as the command sets it up.
  const seedProcess = fork(rawWorker, ['seed', 'raw', 'big'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, SWAPWRIGHT_BENCH_NOISE: 'node' } })
  const seed = await nextMessage(seedProcess, 'seed-ready') as SeedReady
  const fetchers = await Promise.all(Array.from({ length: n }, async () => {
    const child = fork(rawWorker, ['fetcher', 'raw'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    await nextMessage(child, 'fetcher-ready')
    return child
  }))
  const stopChild = async (child: ChildProcess): Promise<void> => {
    if (child.exitCode != null) return
    const exited = once(child, 'exit')
    child.send({ type: 'stop' })
    await exited
  }
  return {
    seed,
    fetchers,
    process: seedProcess,
    server: {
      name: 'floor',
      pid: seedProcess.pid as number,
      address: seed.addresses[0],
      stop: async () => { await Promise.all([seedProcess, ...fetchers].map(stopChild)) }
    }
  }
}

async function floorCrowd (floor: Floor, n: number): Promise<CrowdRun> {
  const profileDir = args['floor-prof']
  const profile = async (file?: string): Promise<void> => {
    if (profileDir == null) return
    const done = nextMessage(floor.process, 'profiled')
    floor.process.send({ type: 'profile', file })
    await done
  }
  await profile()
  try {
    return await floorFetch(floor, n)
  } finally {
    await profile(join(profileDir ?? '', `floor-${n}-${Date.now()}.cpuprofile`))
  }
}

async function floorFetch (floor: Floor, n: number): Promise<CrowdRun> {
  const command = { type: 'fetch', workload: 'big', seed: { peer: floor.seed.peer, addresses: floor.seed.addresses }, cids: floor.seed.cids.big, store: 'memory' }
  const released = performance.now()
  const results = await Promise.all(floor.fetchers.slice(0, n).map(async child => {
    const result = nextMessage(child, 'result')
    child.send(command)
    try {
      const r = await result as { ms: number }
      return { start: performance.now() - r.ms, end: performance.now() }
    } catch (err) {
      process.stderr.write(`  raw fetch failed: ${(err as Error).message.slice(0, 200)}\n`)
      return undefined
    }
  }))
  const spans = results.filter(r => r != null)
  return { spans: spans.map(s => ({ start: Math.max(s.start, released), end: s.end })), duplicates: 0, completed: spans.length }
}

// ----------------------------------------------------------------------------------------------------- printing

function summary (values: number[], digits: number): string {
  const ok = values.filter(v => Number.isFinite(v))
  if (ok.length === 0) return '–'
  const f = (n: number): string => n.toFixed(digits)
  return ok.length === 1 ? f(ok[0]) : `${f(median(ok))} [${f(Math.min(...ok))}–${f(Math.max(...ok))}]`
}

function ratios (rows: Crowd[], base: Crowd[] | undefined, pick: (c: Crowd) => number, digits = 2): string {
  if (base == null || base.length !== rows.length) return '–'
  return summary(rows.map((r, i) => pick(r) / pick(base[i])), digits)
}

// --------------------------------------------------------------------------------------------------------- main

async function main (): Promise<void> {
  const work = await kuboBenchFolder('serve')
  if (work == null) return
  const servers: Server[] = []
  const kuboFetchers: KuboNode[] = []
  const cleanUp = async (): Promise<void> => {
    await Promise.all([...servers.map(async s => s.stop()), ...kuboFetchers.map(async k => k.stop())])
    await rm(work, { recursive: true, force: true })
  }
  // Interrupted, it still stops the Kubo daemons (each leads its own process group, so none would go with us).
  process.once('SIGINT', () => { void cleanUp().finally(() => process.exit(130)) })
  process.once('SIGTERM', () => { void cleanUp().finally(() => process.exit(143)) })
  try {
    // The DAGs: Kubo adds each file in 1 MiB raw leaves, and `swapwright get` copies them into the serve repository.
    const kuboSeed = await KuboNode.start()
    servers.push(kuboServer(kuboSeed))
    const repo = join(work, 'serve-repo')
    const dag = async (size: number, name: string): Promise<KuboDag> => kuboDagInRepo([kuboSeed], work, { name, size, chunk: MiB, repo, digest: true })
    const crowdDag = await dag(CROWD_SIZE, 'crowd.bin')
    const wholeDag = await dag(WHOLE_SIZE, 'whole.bin')
    const burstDag = await dag(BURST_SIZE, 'burst.bin')
    const serve = await startServe('sw', LAUNCHER, repo, work)
    servers.push(serve)
    for (const baseline of args.baseline) {
      const [name, rest] = baseline.split(/=(.*)/s)
      const [cli, flags] = rest.split(/@(.*)/s)
      // Its own copy of the blocks and a peer identity of its own.
      const baseRepo = join(work, `${name}-repo`)
      await cp(repo, baseRepo, { recursive: true })
      await rm(join(baseRepo, 'identity.key'), { force: true })
      servers.push(await startServe(name, cli, baseRepo, work, flags))
    }
    const swServers = servers.filter(s => s.name !== 'kubo')
    const out: string[] = []
    const print = (line: string): void => { out.push(line); console.log(line) }

    if (parts.has('crowd')) {
      const maxN = Math.max(...counts)
      if (fetcherKinds.includes('kubo')) kuboFetchers.push(...await Promise.all(Array.from({ length: maxN }, async () => KuboNode.start())))
      const floor = await startFloor(maxN)
      const results = new Map<string, Crowd[]>()
      const key = (kind: FetcherKind | 'raw', n: number, server: ServerName): string => `${kind}/${n}/${server}`
      try {
        for (let round = 0; round < rounds; round++) {
          for (const n of counts) {
            for (const kind of fetcherKinds) {
              for (const server of servers) {
                const crowd = kind === 'sw'
                  ? await measured(server, r => r.completed * CROWD_SIZE, async () => swCrowd(work, crowdDag.root, server.address, n, CROWD_SIZE))
                  : await measured(server, r => r.completed * CROWD_SIZE, async () => kuboCrowd(kuboFetchers.slice(0, n), crowdDag.root, server.address, crowdDag.blocks))
                const k = key(kind, n, server.name)
                results.set(k, [...results.get(k) ?? [], crowd])
                // Each round's own figures, for pairing rounds of two builds by hand.
                process.stderr.write(`  ${k} round ${round + 1}: ${crowd.throughput.toFixed(1)} MB/s, ${crowd.cpuPerGiB.toFixed(2)} CPU s per GiB\n`)
              }
            }
            const raw = await measured(floor.server, r => r.completed * RAW_WORKLOADS.big.count * RAW_WORKLOADS.big.size, async () => floorCrowd(floor, n))
            results.set(key('raw', n, 'floor'), [...results.get(key('raw', n, 'floor')) ?? [], raw])
            process.stderr.write(`crowds of ${n}: round ${round + 1}/${rounds}\n`)
          }
        }
      } finally {
        await floor.server.stop()
      }
      print(`\n## Crowds: ${CROWD_SIZE / MiB} MiB in 1 MiB raw leaves, N fetchers at once; median [range] over ${rounds} round(s)`)
      print('ratios are per round: throughput above 1 and CPU per GiB below 1 are better than the reference')
      for (const n of counts) {
        print(`\n### N = ${n}`)
        print('| fetchers | server | MB/s | slowest/fastest | CPU s per GiB | peak RSS MiB | duplicates | completed | MB/s vs Kubo | CPU vs Kubo | MB/s vs floor | CPU vs floor |')
        print('|---|---|---|---|---|---|---|---|---|---|---|---|')
        const floorRows = results.get(key('raw', n, 'floor'))
        const rows: Array<[FetcherKind | 'raw', ServerName]> = [...fetcherKinds.flatMap(kind => servers.map(s => [kind, s.name] as [FetcherKind, ServerName])), ['raw', 'floor']]
        for (const [kind, server] of rows) {
          const r = results.get(key(kind, n, server)) ?? []
          const kubo = kind === 'raw' ? undefined : results.get(key(kind, n, 'kubo'))
          print(`| ${kind === 'sw' ? 'swapwright get' : kind === 'kubo' ? 'Kubo daemons' : 'raw streams'} | ${label(server)} | ` +
            `${summary(r.map(c => c.throughput), 0)} | ${summary(r.map(c => c.fairness), 2)} | ${summary(r.map(c => c.cpuPerGiB), 2)} | ` +
            `${summary(r.map(c => c.peakRssMiB), 0)} | ${summary(r.map(c => c.duplicates), 0)} | ${summary(r.map(c => c.completed), 0)}/${n} | ` +
            `${ratios(r, kubo, c => c.throughput)} | ${ratios(r, kubo, c => c.cpuPerGiB)} | ` +
            `${ratios(r, floorRows, c => c.throughput)} | ${ratios(r, floorRows, c => c.cpuPerGiB)} |`)
        }
      }
    }

    if (parts.has('burst')) {
      print(`\n## Burst: ${burstSize} simultaneous \`swapwright get\` of ${BURST_SIZE / MiB} MiB from one address`)
      print('| server | byte-exact | duplicates | server peak RSS MiB |')
      print('|---|---|---|---|')
      for (const server of swServers) {
        const runs: CrowdRun[] = []
        const peaks: number[] = []
        for (let round = 0; round < rounds; round++) {
          await resetPeak(server.pid)
          runs.push(await swCrowd(work, burstDag.root, server.address, burstSize, BURST_SIZE, burstDag.digest))
          peaks.push(await peakRss(server.pid) / MiB)
        }
        print(`| ${label(server.name)} | ${runs.map(r => `${r.completed}/${burstSize}`).join(', ')} | ${runs.map(r => r.duplicates).join(', ')} | ${summary(peaks, 0)} |`)
      }
    }

    if (parts.has('startup')) {
      const help: number[] = []
      const firstWant: number[] = []
      const firstWantCpu: number[] = []
      const swWhole: number[] = []
      const kuboWhole: number[] = []
      const transfer: number[] = []
      const kuboFetcher = kuboFetchers[0] ?? await KuboNode.start()
      if (kuboFetchers.length === 0) kuboFetchers.push(kuboFetcher)
      for (let round = 0; round < rounds; round++) {
        let started = performance.now()
        const helpRun = await runCli(['--help'], work, LAUNCHER)
        if (helpRun.code !== 0) throw new Error(`--help exited ${helpRun.code}`)
        help.push(performance.now() - started)
        // Kubo → Kubo: a running daemon, emptied and connected to the Kubo server; `ipfs get` timed as a process.
        await kuboReady(kuboFetcher, kuboSeed.address)
        const kuboOut = join(work, 'kubo-whole.out')
        started = performance.now()
        await kuboFetcher.ipfs(['get', '-o', kuboOut, wholeDag.root])
        kuboWhole.push(performance.now() - started)
        await rm(kuboOut, { force: true })
        const dir = await mkdtemp(join(work, 'whole-'))
        started = performance.now()
        const run = await runCli(['get', wholeDag.root, '--peer', serve.address, '-o', join(dir, 'out'), '--repo', join(dir, 'repo'), '--json'], dir, LAUNCHER)
        swWhole.push(performance.now() - started)
        if (run.code !== 0) throw new Error(`the whole get exited ${run.code}: ${run.stderr}`)
        const done = run.events.find(e => e.event === 'done') as Record<string, number>
        firstWant.push(done.firstWantMs)
        firstWantCpu.push(done.firstWantCpuMs)
        transfer.push(done.seconds * 1000)
        await rm(dir, { recursive: true, force: true })
        process.stderr.write(`start-up: round ${round + 1}/${rounds}\n`)
      }
      print(`\n## Start-up and a whole get of ${WHOLE_SIZE / MiB} MiB in 1 MiB blocks; median [range] over ${rounds} round(s)`)
      print('| measure | value | per-round ratio |')
      print('|---|---|---|')
      print(`| \`swapwright --help\`, whole process (ms) | ${summary(help, 0)} | |`)
      print(`| \`get\`'s first want after process start (ms) | ${summary(firstWant, 0)} | |`)
      print(`| CPU time the \`get\` had used by then (ms; what load does not inflate) | ${summary(firstWantCpu, 0)} | ${summary(firstWantCpu.map((ms, i) => ms / firstWant[i]), 2)} of the wall time |`)
      print(`| whole \`swapwright get\` from \`swapwright serve\` (s) | ${summary(swWhole.map(ms => ms / 1000), 2)} | ${summary(swWhole.map((ms, i) => kuboWhole[i] / ms), 2)}× Kubo's speed |`)
      print(`| of which start-up to the first want (s) | ${summary(firstWant.map(ms => ms / 1000), 2)} | ${summary(firstWant.map((ms, i) => ms / swWhole[i]), 2)} of the whole |`)
      print(`| of which the transfer (first want to last block, s) | ${summary(transfer.map(ms => ms / 1000), 2)} | ${summary(transfer.map((ms, i) => ms / swWhole[i]), 2)} of the whole |`)
      const tail = swWhole.map((ms, i) => ms - firstWant[i] - transfer[i])
      print(`| of which the rest: the file's last writes, closing, exit (s) | ${summary(tail.map(ms => ms / 1000), 2)} | ${summary(tail.map((ms, i) => ms / swWhole[i]), 2)} of the whole |`)
      print(`| whole \`ipfs get\`, running Kubo daemon from Kubo (s) | ${summary(kuboWhole.map(ms => ms / 1000), 2)} | |`)
    }
    console.log('\n# Summary')
    console.log(out.join('\n'))
  } finally {
    await cleanUp()
  }
}

await main()
process.exit(process.exitCode ?? 0)
