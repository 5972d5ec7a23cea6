/**
 * The served node under hostile peers, before and after: `swapwright serve` runs in its own process (as an
 * operator runs it) over a repository on disk, the attackers in a worker thread of this process, and a one-want
 * peer in this process's main thread. Printed per build:
 *   - peak resident memory of the server under a flood of 1,000,000 wants (goal < 256 MiB),
 *   - the one-want peer's p50 and p99 during that flood (goal p99 < 250 ms),
 *   - resident memory growth after 200 identities that flood 4 x 8192 wants and disconnect (goal < 64 MiB),
 *   - resident memory growth while 200 streams hold a prefix announcing 4 MiB (goal < 64 MiB).
 * Each scenario gets a fresh server; growth is measured 10 s after the attack, from the fresh server and from the
 * server after a warm-up of ten attackers of the same kind. Identities are dialled at 4 a second: a served node keeps libp2p's default
 * of 5 new connections a second from one address, and every attacker here comes from 127.0.0.1.
 *
 * Run: `npm run bench:hostile`. Options (after `--`):
 *   --baseline DIR   also measure the command as built in another checkout DIR. For example, for main:
 *                    `git worktree add --detach DIR main`, then give DIR a node_modules holding links to this
 *                    checkout's entries except @swapwright, whose packages link to DIR/packages/*, and run
 *                    `tsc -b packages/cli` in DIR. Remove it afterwards with `git worktree remove --force DIR`.
 *   --scenarios a,b  subset of flood,flooders,prefixes
 *   --flood-timeout S  seconds the flood may run before it is cut short and reported as such (default 120)
 *   --settle S       seconds after an attack before growth is measured (default 10)
 *   --serve-flags F  more flags for `serve` (as one argument: `--serve-flags="--max-queued-message-bytes 4194304"`)
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import { openRepo } from '@swapwright/cli'
import { attack, type AttackSpec } from '../hostile/attack.js'
import { OneWantProbe } from '../hostile/probe.js'
import { makeBlocks, type TestBlock } from '../util/blocks.js'
import { nodeFlags, servingPid } from '../util/cli-process.js'

const { values: args } = parseArgs({
  options: {
    baseline: { type: 'string' },
    scenarios: { type: 'string', default: 'flood,flooders,prefixes' },
    'flood-timeout': { type: 'string', default: '120' },
    settle: { type: 'string', default: '10' },
    'serve-flags': { type: 'string', default: '' }
  }
})
const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..')
const MiB = 1024 * 1024

interface Server { process: ChildProcess, pid: number, addresses: string[], stop(): Promise<void> }

/** Starts `serve` of the checkout at `root` over a fresh repository holding `blocks`. */
async function serve (root: string, blocks: TestBlock[]): Promise<Server> {
  const dir = await mkdtemp(join(tmpdir(), 'swapwright-bench-hostile-'))
  const repo = await openRepo(dir)
  for (const block of blocks) await repo.blockstore.put(block.cid, block.data)
  await repo.close()
  // Through the launcher, as an operator starts it, so serve runs with the Node flags the launcher gives it
  const child = spawn(process.execPath, [...await nodeFlags(), join(root, 'packages/cli/bin/swapwright.js'), 'serve', '--repo', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--json', ...args['serve-flags'].split(' ').filter(f => f !== '')], { stdio: ['ignore', 'pipe', 'inherit'] })
  const addresses: string[] = []
  await new Promise<void>((resolveReady, reject) => {
    let buffered = ''
    child.on('exit', code => { reject(new Error(`serve exited with ${code}`)) })
    child.stdout?.on('data', (data: Buffer) => {
      buffered += data.toString()
      let nl
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        const event = JSON.parse(line) as { event: string, address?: string }
        if (event.event === 'listening' && event.address != null) addresses.push(event.address)
        if (event.event === 'ready') resolveReady()
      }
    })
  })
  return {
    process: child,
    pid: await servingPid(child.pid as number),
    addresses,
    stop: async () => {
      const exited = new Promise(resolveExit => child.once('exit', resolveExit))
      child.kill('SIGINT')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/**
 * Resident, peak resident and virtual memory of a process, in bytes. Virtual matters for buffers allocated and
 * never written (a 4 MiB `allocUnsafe` for a message that never comes counts there first).
 */
function memory (pid: number): { rss: number, peak: number, virtual: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024
  return { rss: kib('VmRSS'), peak: kib('VmHWM'), virtual: kib('VmSize') }
}

async function settle (ms: number): Promise<void> { await new Promise(resolveSleep => setTimeout(resolveSleep, ms)) }

function percentile (values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN
}

interface Row { build: string, metric: string, value: string, goal: string }
const rows: Row[] = []

async function floodScenario (build: string, root: string, small: TestBlock[]): Promise<void> {
  const server = await serve(root, small)
  const pid = server.pid
  const probe = await OneWantProbe.start(server.addresses.map(a => multiaddr(a)))
  try {
    await probe.ask(small[0].cid)
    const before = memory(pid)
    const running = attack({ kind: 'million', count: 1_000_000, addresses: server.addresses })
    await running.ready
    const latencies: number[] = []
    let finished = false
    let timedOut = false
    const deadline = setTimeout(() => { timedOut = true }, Number(args['flood-timeout']) * 1000)
    void running.done.then(() => { finished = true })
    let i = 1
    while (!finished && !timedOut) {
      try {
        latencies.push(await probe.ask(small[i++ % small.length].cid, 30_000))
      } catch {
        latencies.push(30_000)
      }
    }
    clearTimeout(deadline)
    const peak = memory(pid).peak
    await running.stop()
    rows.push({ build, metric: '1,000,000-want flood: server peak RSS', value: `${(peak / MiB).toFixed(0)} MiB (from ${(before.rss / MiB).toFixed(0)})${timedOut ? ', cut short' : ''}`, goal: '< 256 MiB' })
    rows.push({ build, metric: '1,000,000-want flood: one-want p50 / p99', value: `${percentile(latencies, 0.5).toFixed(0)} / ${percentile(latencies, 0.99).toFixed(0)} ms (${latencies.length} asks)`, goal: 'p99 < 250 ms' })
  } finally {
    await probe.stop()
    await server.stop()
  }
}

/** Runs an attack until it is in place (the flooders all gone, the prefixes all sent); returns a note on it. */
async function attackInPlace (running: ReturnType<typeof attack>, kind: AttackSpec['kind']): Promise<string> {
  await running.ready
  if (kind === 'flood-and-leave') {
    const { refused = 0 } = await running.done
    return refused > 0 ? `, ${refused} identities turned away` : ''
  }
  await settle(3000)
  return ''
}

/**
 * Resident memory growth under an attack, from two baselines: the fresh server, and the server after a warm-up
 * of ten attackers of the same kind that have left. The first includes what any first connections cost once
 * (compiled code, libp2p's lazily built state); the second is what the attack itself leaves.
 */
async function growthScenario (build: string, root: string, small: TestBlock[], spec: Omit<AttackSpec, 'addresses'>, metric: string): Promise<void> {
  const server = await serve(root, small)
  const pid = server.pid
  try {
    await settle(1000)
    const { rss: fresh, virtual: virtualBefore } = memory(pid)
    const warmUp = attack({ ...spec, count: 10, addresses: server.addresses })
    await attackInPlace(warmUp, spec.kind)
    await warmUp.stop()
    await settle(Number(args.settle) * 1000)
    const { rss: warm } = memory(pid)
    const running = attack({ ...spec, addresses: server.addresses })
    const note = await attackInPlace(running, spec.kind)
    // Time for the collector to run and hand freed heap back (V8 shrinks its heap once the process is idle).
    await settle(Number(args.settle) * 1000)
    const after = memory(pid)
    await running.stop()
    const mib = (bytes: number): string => (bytes / MiB).toFixed(0)
    rows.push({ build, metric, value: `+${mib(after.rss - fresh)} MiB from fresh, +${mib(after.rss - warm)} MiB after a warm-up of 10 (peak ${mib(after.peak)} MiB, virtual +${mib(after.virtual - virtualBefore)} MiB${note})`, goal: '< 64 MiB' })
  } finally {
    await server.stop()
  }
}

const small = await makeBlocks(64, 512, 902)
const builds: Array<[string, string]> = [['after', ROOT]]
if (args.baseline != null) builds.unshift(['before', resolve(args.baseline)])
const scenarios = new Set(args.scenarios.split(','))
for (const [build, root] of builds) {
  console.error(`measuring ${build} (${root})`)
  if (scenarios.has('flood')) await floodScenario(build, root, small)
  if (scenarios.has('flooders')) await growthScenario(build, root, small, { kind: 'flood-and-leave', count: 200, pace: 4 }, '200 disconnecting flooders: RSS growth')
  if (scenarios.has('prefixes')) await growthScenario(build, root, small, { kind: 'stalled-prefixes', count: 200 }, '200 stalled 4 MiB prefixes: RSS growth')
}
console.log('| build | measure | value | goal |\n|---|---|---|---|')
for (const row of rows) console.log(`| ${row.build} | ${row.metric} | ${row.value} | ${row.goal} |`)
process.exit(0)
