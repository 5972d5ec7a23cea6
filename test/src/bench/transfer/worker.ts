/**
 * One process of the transfer benchmark: a seed (serves blocks) or a fetcher (fetches them with a fresh node per
 * command), of one system: Swapwright, Helia, or a raw libp2p stream. Started by `transfer.bench.ts` with
 * `worker.js <seed|fetcher> <system> [workload...]`; talks to it over the IPC channel.
 */
import { createCipheriv, createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { Session as InspectorSession } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { multiaddr } from '@multiformats/multiaddr'
import { blockstorePlugin, createBitswap, frame, readFrames, type Bitswap } from '@swapwright/core'
import { fsBlockstore, MemoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { libp2pNetwork } from '@swapwright/transports'
import { createLibp2p } from 'libp2p'
import { CID } from 'multiformats/cid'
import { Uint8ArrayList } from 'uint8arraylist'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { createNode, loopbackStack, type TestNode } from '../../util/libp2p-node.js'
import { traced, traceState } from './trace.js'
import { RAW_PROTOCOL, WORKLOADS, type FetchCommand, type FetchResult, type FromWorker, type Profile, type System, type ToWorker, type WorkloadName } from './protocol.js'
import type { Libp2p, Stream } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'

const WORKLOAD_IDS: WorkloadName[] = ['big', 'small', 'rss']

/** The raw baseline coalesces small blocks into writes of about this many bytes. */
const RAW_WRITE_SIZE = 64 * 1024

interface Block { cid: CID, data: Uint8Array }

/** Extra `createBitswap` options for both Swapwright nodes, for experiments: JSON in SWAPWRIGHT_BENCH_OPTIONS. */
const swapwrightOptions = JSON.parse(process.env.SWAPWRIGHT_BENCH_OPTIONS ?? '{}')

function tell (message: FromWorker): void {
  process.send?.(message)
}

/**
 * CPU profiles of just the measured transfers: a fetcher profiles from the moment its clock starts until it
 * stops; a seed is started and stopped by the driver around each fetch.
 */
let inspector: InspectorSession | undefined
/** With SWAPWRIGHT_BENCH_HEAP=1 the profiles are of allocations (sampled), not of CPU time. */
const heapProfile = process.env.SWAPWRIGHT_BENCH_HEAP === '1'
async function startProfile (): Promise<void> {
  if (inspector == null) {
    inspector = new InspectorSession()
    inspector.connect()
    await inspector.post(heapProfile ? 'HeapProfiler.enable' : 'Profiler.enable')
    if (!heapProfile) await inspector.post('Profiler.setSamplingInterval', { interval: 200 })
  }
  if (heapProfile) await inspector.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
  else await inspector.post('Profiler.start')
}

async function stopProfile (file: string): Promise<void> {
  if (inspector == null) return
  const { profile } = heapProfile ? await inspector.post('HeapProfiler.stopSampling') : await inspector.post('Profiler.stop')
  await writeFile(heapProfile ? file.replace(/cpuprofile$/, 'heapprofile') : file, JSON.stringify(profile))
}

async function profile (message: Profile): Promise<void> {
  if (message.file == null) await startProfile()
  else await stopProfile(message.file)
  tell({ type: 'profiled' })
}

/**
 * Helia's packages, loaded only by the processes that run Helia: a Swapwright or raw process then carries none
 * of their code, which matters for the memory measurement.
 */
async function heliaModules (): Promise<{
  withBitswap: typeof import('@helia/bitswap').withBitswap
  withLibp2pLight: typeof import('@helia/libp2p').withLibp2pLight
  createHeliaLight: typeof import('helia').createHeliaLight
  MemoryDatastore: typeof import('datastore-core').MemoryDatastore
}> {
  const [bitswap, libp2p, helia, datastore] = await Promise.all([
    import('@helia/bitswap'), import('@helia/libp2p'), import('helia'), import('datastore-core')
  ])
  return {
    withBitswap: bitswap.withBitswap,
    withLibp2pLight: libp2p.withLibp2pLight,
    createHeliaLight: helia.createHeliaLight,
    MemoryDatastore: datastore.MemoryDatastore
  }
}

/** The same libp2p stack for every system: TCP on 127.0.0.1, noise, yamux, identify; no discovery. */
function libp2pOptions (): any {
  return { ...loopbackStack(), services: { identify: identify() } }
}

/**
 * Distinct raw blocks (CIDv1, sha2-256) of random-looking bytes, the same in every process for a workload (an
 * AES-CTR key stream keyed by its name), so several seeds serve one set of blocks.
 */
async function makeBlocks (name: WorkloadName, count: number, size: number): Promise<Block[]> {
  const key = createHash('sha256').update(`swapwright-transfer/${name}`).digest()
  const stream = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32))
  const blocks: Block[] = []
  for (let i = 0; i < count; i++) {
    const data = new Uint8Array(stream.update(new Uint8Array(size)))
    blocks.push({ cid: CID.createV1(raw.code, await sha256.digest(data)), data })
  }
  return blocks
}

/** A store for a seed or fetcher: memory, or the filesystem store in a fresh directory (removed by `cleanup`). */
async function openStore (kind: 'memory' | 'fs', parent?: string): Promise<{ store: Blockstore, cleanup: () => Promise<void> }> {
  if (kind === 'memory') return { store: new MemoryBlockstore(), cleanup: async () => {} }
  const dir = await mkdtemp(join(parent ?? tmpdir(), 'swapwright-transfer-'))
  const fs = fsBlockstore(dir)
  await fs.open()
  return { store: fs, cleanup: async () => { await fs.close(); await rm(dir, { recursive: true, force: true }) } }
}

async function until (condition: () => boolean | Promise<boolean>, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition')
    await new Promise(resolve => setTimeout(resolve, 2))
  }
}

// ---------------------------------------------------------------------------------------------------------- seeds

async function seed (system: System, workloads: WorkloadName[]): Promise<void> {
  const blocks = new Map<WorkloadName, Block[]>()
  for (const name of workloads) blocks.set(name, await makeBlocks(name, WORKLOADS[name].count, WORKLOADS[name].size))
  const all = [...blocks.values()].flat()
  const cids = Object.fromEntries([...blocks].map(([name, list]) => [name, list.map(b => b.cid.toString())]))

  let libp2p: Libp2p
  let stop: () => Promise<void>
  if (system === 'swapwright') {
    // SWAPWRIGHT_BENCH_STORE=fs: the seed serves from the filesystem store, as `swapwright serve` does
    const { store, cleanup } = await openStore(process.env.SWAPWRIGHT_BENCH_STORE === 'fs' ? 'fs' : 'memory')
    for (const block of all) await store.put(block.cid, block.data)
    const node = await createNode()
    const bitswap = createBitswap({ preset: goDefaults(), ...swapwrightOptions, network: traced(libp2pNetwork(node), 'seed'), blockstore: blockstorePlugin(store) })
    traceState.snapshot = () => `ledger=${bitswap.stats().server.wantlistEntries}`
    await bitswap.start()
    libp2p = node
    stop = async () => { await bitswap.stop(); await node.stop(); await cleanup() }
  } else if (system === 'helia') {
    const blockstore = new MemoryBlockstore()
    for (const block of all) await blockstore.put(block.cid, block.data)
    const { withBitswap, withLibp2pLight, createHeliaLight, MemoryDatastore } = await heliaModules()
    const helia = withBitswap(withLibp2pLight(createHeliaLight({ blockstore, datastore: new MemoryDatastore() }), libp2pOptions()))
    await helia.start()
    libp2p = helia.libp2p
    stop = async () => { await helia.stop() }
  } else {
    const node = await rawSeedNode()
    await node.handle(RAW_PROTOCOL, (stream: Stream) => { void serveRaw(stream, blocks) })
    libp2p = node
    stop = async () => { await node.stop() }
  }
  process.on('message', (message: ToWorker) => {
    if (message.type === 'stop') void stop().finally(() => process.exit(0))
    if (message.type === 'profile') void profile(message)
    if (message.type === 'cpu') {
      const used = process.cpuUsage()
      tell({ type: 'cpu', ms: (used.user + used.system) / 1000 })
    }
  })
  tell({ type: 'seed-ready', peer: libp2p.peerId.toString(), addresses: libp2p.getMultiaddrs().map(ma => ma.toString()), cids })
}

/**
 * The raw seed's node. It accepts a crowd of raw fetchers at once, as `swapwright serve` does (bench:serve's
 * floor); with SWAPWRIGHT_BENCH_NOISE=node it also encrypts and writes as the command does (noise with Node's cipher
 * for large frames and keys made once, the pieces of each send gathered into socket writes), so the floor has the
 * command's own settings of the stack.
 */
async function rawSeedNode (): Promise<TestNode> {
  const connectionManager = { inboundConnectionThreshold: 1024, maxIncomingPendingConnections: 256 }
  if (process.env.SWAPWRIGHT_BENCH_NOISE !== 'node') return createNode(connectionManager)
  const { nodeNoiseCrypto, gatheredWrites, gatheringTcp } = await import('@swapwright/cli')
  return createLibp2p({ ...loopbackStack(), transports: [gatheringTcp()], connectionEncrypters: [gatheredWrites(noise({ crypto: nodeNoiseCrypto }))], services: { identify: identify() }, connectionManager })
}

/**
 * The raw baseline: read the one-byte workload id, then write every block length-prefixed, honouring
 * backpressure. Small blocks are coalesced into writes of up to 64 KiB (one muxer frame), as any sender that
 * cares about throughput does: one write per 1 KiB block would cost a muxer frame, an encryption and a window
 * update each, and measure that overhead instead of the stack's ceiling.
 */
async function serveRaw (stream: Stream, blocks: Map<WorkloadName, Block[]>): Promise<void> {
  try {
    let id: number | undefined
    for await (const chunk of stream) {
      id = chunk.subarray(0, 1)[0]
      break
    }
    const list = blocks.get(WORKLOAD_IDS[id ?? -1]) ?? []
    let batch = new Uint8ArrayList()
    const write = async (): Promise<void> => {
      if (batch.byteLength === 0) return
      const out = batch
      batch = new Uint8ArrayList()
      if (!stream.send(out)) await stream.onDrain()
    }
    for (const block of list) {
      if (batch.byteLength + block.data.byteLength > RAW_WRITE_SIZE) await write()
      batch.append(frame(block.data))
    }
    await write()
    await stream.close()
  } catch (err) {
    stream.abort(err as Error)
  }
}

// ------------------------------------------------------------------------------------------------------- fetchers

interface Fetched { blocks: number, bytes: number }

interface Outcome {
  ms: number
  /** When the first block was in hand, in ms from the start. */
  first?: number
  /** CPU time the process used while the clock ran (all its threads), in ms. */
  cpu: number
  fetched: Fetched
  cleanup: () => Promise<void>
}

interface Clock { at: number, cpu: NodeJS.CpuUsage }

/** Starts the clock (and the profile, if asked for) of the measured part of a fetch. */
async function startClock (command: FetchCommand): Promise<Clock> {
  if (command.profile != null) await startProfile()
  return { at: performance.now(), cpu: process.cpuUsage() }
}

async function stopClock (command: FetchCommand, started: Clock): Promise<{ ms: number, cpu: number }> {
  const ms = performance.now() - started.at
  const cpu = process.cpuUsage(started.cpu)
  if (command.profile != null) await stopProfile(command.profile)
  return { ms, cpu: (cpu.user + cpu.system) / 1000 }
}

/**
 * Samples the resident set size every 10 ms while a fetch runs. Only for the memory measurement: a sample costs
 * a system call, which would slow the throughput runs down.
 */
class RssSampler {
  readonly before = process.memoryUsage.rss()
  peak = this.before
  private readonly timer: NodeJS.Timeout | undefined
  constructor (enabled: boolean) {
    if (enabled) this.timer = setInterval(() => { this.sample() }, 10)
  }

  sample (): void {
    const rss = process.memoryUsage.rss()
    if (rss > this.peak) {
      this.peak = rss
      if (process.env.SWAPWRIGHT_BENCH_DEBUG === '1') {
        const m = process.memoryUsage()
        console.error(`rss ${(m.rss / 2 ** 20).toFixed(0)} heap ${(m.heapUsed / 2 ** 20).toFixed(0)}/${(m.heapTotal / 2 ** 20).toFixed(0)} external ${(m.external / 2 ** 20).toFixed(0)} arrayBuffers ${(m.arrayBuffers / 2 ** 20).toFixed(0)} MiB`)
      }
    }
  }

  stop (): void {
    this.sample()
    clearInterval(this.timer)
  }
}

/**
 * A fresh Swapwright node: connected to the seed before the clock starts, then one session `getBlocks` over all
 * CIDs. The fetched blocks are stored in the memory store or the filesystem store.
 */
async function fetchSwapwright (command: FetchCommand, cids: CID[]): Promise<Outcome> {
  const { store, cleanup: closeStore } = await openStore(command.store, command.dir)
  const libp2p = await createNode()
  const node: Bitswap = createBitswap({ preset: goDefaults(), ...swapwrightOptions, network: traced(libp2pNetwork(libp2p), 'fetcher'), blockstore: blockstorePlugin(store) })
  traceState.snapshot = () => `wantlist=${node.stats().client.wantlistSize}`
  await node.start()
  const seeds = [command.seed, ...(command.moreSeeds ?? [])]
  for (const seed of seeds) await node.components.network.connect({ peer: seed.peer, addresses: seed.addresses })

  const fetched = { blocks: 0, bytes: 0 }
  const started = await startClock(command)
  const session = node.createSession({ providers: seeds.map(seed => seed.peer) })
  let first: number | undefined
  for await (const { bytes } of session.getBlocks(cids, { signal: AbortSignal.timeout(300_000) })) {
    first ??= performance.now() - started.at
    fetched.blocks++
    fetched.bytes += bytes.byteLength
  }
  const { ms, cpu } = await stopClock(command, started)
  session.close()
  if (process.env.SWAPWRIGHT_BENCH_DEBUG === '1') {
    for (const seed of seeds) console.error('fetcher link', seed.peer.slice(-6), JSON.stringify(node.components.network.stats(seed.peer)))
    console.error('fetcher', JSON.stringify(node.stats()))
  }
  return {
    ms,
    cpu,
    first,
    fetched,
    cleanup: async () => {
      await node.stop()
      await libp2p.stop()
      await closeStore()
    }
  }
}

/**
 * A fresh Helia node (createHeliaLight + withLibp2pLight + withBitswap), dialled to the seed and identified
 * before the clock starts; then a blockstore session with the seed as provider, with `window` gets in flight.
 *
 * On a loaded machine this fetch sometimes fails, and the failure is Helia's, not the benchmark's: Helia opens a
 * stream per want message, and a query whose stream closes while it is being opened is rejected with the
 * stream's 'close' event itself (libp2p waits for the stream to drain with 'close' as a rejection; an Event, not
 * an Error). Helia's session takes any failed query as the provider failing: it evicts the seed, finds no other
 * provider (there is no routing here), and every get still waiting fails with "Failed to load block". Observed
 * as `Event 'close' thrown as an error` in the reasons; the driver reports such a round as failed.
 */
async function fetchHelia (command: FetchCommand, cids: CID[]): Promise<Outcome> {
  const { withBitswap, withLibp2pLight, createHeliaLight, MemoryDatastore } = await heliaModules()
  const helia = withBitswap(withLibp2pLight(createHeliaLight({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }), libp2pOptions()))
  await helia.start()
  const addresses = command.seed.addresses.map(a => multiaddr(a))
  await helia.libp2p.dial(addresses)
  const seedPeer = helia.libp2p.getPeers().find(p => p.toString() === command.seed.peer)
  if (seedPeer == null) throw new Error('the seed is not connected')
  await until(async () => (await helia.libp2p.peerStore.get(seedPeer)).protocols.some(p => p.startsWith('/ipfs/bitswap')))

  const fetched = { blocks: 0, bytes: 0 }
  // Aborted at the first failure too, so the gets still waiting end instead of running into the timeout.
  const failed = new AbortController()
  const signal = AbortSignal.any([AbortSignal.timeout(300_000), failed.signal])
  const window = Math.min(command.window ?? 1000, cids.length)
  const started = await startClock(command)
  const session = helia.blockstore.createSession(cids[0], { providers: [addresses], signal })
  let next = 0
  // The first get that fails ends the fetch: its error is what the driver reports, with the reasons Helia
  // gathered from each block retriever (an AggregateError hides them behind "Failed to load block").
  let failure: { error: unknown, block: number, at: number } | undefined
  const lane = async (): Promise<void> => {
    while (next < cids.length && failure == null) {
      const index = next++
      try {
        for await (const chunk of session.get(cids[index], { signal })) fetched.bytes += chunk.byteLength
      } catch (error) {
        failure ??= { error, block: index, at: performance.now() - started.at }
        failed.abort()
        return
      }
      fetched.blocks++
    }
  }
  await Promise.all(Array.from({ length: window }, lane))
  const { ms, cpu } = await stopClock(command, started)
  session.close()
  if (failure != null) {
    await helia.stop()
    throw new Error(`Helia's get of block ${failure.block + 1} failed after ${Math.round(failure.at)} ms, ` +
      `${fetched.blocks} of ${cids.length} blocks in hand: ${describeError(failure.error)}`)
  }
  return { ms, cpu, fetched, cleanup: async () => { await helia.stop() } }
}

/** An error with the errors it aggregates and its causes, each distinct reason once. */
function describeError (error: unknown): string {
  const reasons = new Set<string>()
  const visit = (e: unknown, depth: number): void => {
    if (depth > 4 || e == null) return
    const err = e as { name?: string, message?: string, errors?: unknown[], cause?: unknown, error?: unknown }
    // libp2p can reject with a stream's 'close' event itself (an Event, not an Error): name it and its error
    if (e instanceof Event) reasons.add(`${e.constructor.name} '${e.type}' thrown as an error`)
    else reasons.add(`${err.name ?? 'Error'}: ${err.message ?? String(e)}`)
    for (const inner of err.errors ?? []) visit(inner, depth + 1)
    visit(err.cause, depth + 1)
    visit(err.error, depth + 1)
  }
  visit(error, 0)
  return [...reasons].join(' <- ')
}

/** A plain libp2p node opens the raw protocol and reads every length-prefixed block until the count is reached. */
async function fetchRaw (command: FetchCommand, count: number): Promise<Outcome> {
  const node: TestNode = await createNode()
  await node.dial(command.seed.addresses.map(a => multiaddr(a)))
  const fetched = { blocks: 0, bytes: 0 }
  const started = await startClock(command)
  const stream = await node.dialProtocol(multiaddr(command.seed.addresses[0]), RAW_PROTOCOL)
  stream.send(Uint8Array.of(WORKLOAD_IDS.indexOf(command.workload)))
  for await (const message of readFrames(stream, { maxMessageSize: 4 * 1024 * 1024 })) {
    fetched.blocks++
    fetched.bytes += message.byteLength
    if (fetched.blocks === count) break
  }
  const { ms, cpu } = await stopClock(command, started)
  await stream.close().catch(() => {})
  return { ms, cpu, fetched, cleanup: async () => { await node.stop() } }
}

async function fetcher (system: System): Promise<void> {
  let queue = Promise.resolve()
  process.on('message', (message: ToWorker) => {
    if (message.type === 'stop') {
      void queue.finally(() => process.exit(0))
      return
    }
    if (message.type !== 'fetch') return
    queue = queue.then(async () => {
      try {
        tell(await runFetch(system, message))
      } catch (err) {
        tell({ type: 'error', message: (err as Error).stack ?? String(err) })
      }
    })
  })
  tell({ type: 'fetcher-ready' })
}

async function runFetch (system: System, command: FetchCommand): Promise<FetchResult> {
  const cids = command.cids.map(c => CID.parse(c))
  const sampler = new RssSampler(command.store === 'fs')
  let outcome
  try {
    outcome = system === 'swapwright'
      ? await fetchSwapwright(command, cids)
      : system === 'helia'
        ? await fetchHelia(command, cids)
        : await fetchRaw(command, cids.length)
  } finally {
    sampler.stop()
  }
  await outcome.cleanup()
  const { count, size } = WORKLOADS[command.workload]
  if (outcome.fetched.blocks !== count || outcome.fetched.bytes !== count * size) {
    throw new Error(`${system} fetched ${outcome.fetched.blocks} blocks / ${outcome.fetched.bytes} bytes, expected ${count} / ${count * size}`)
  }
  return {
    type: 'result',
    ms: outcome.ms,
    cpu: outcome.cpu,
    first: outcome.first,
    blocks: outcome.fetched.blocks,
    bytes: outcome.fetched.bytes,
    rssBefore: sampler.before,
    rssPeak: sampler.peak,
    maxRss: process.resourceUsage().maxRSS * 1024
  }
}

const [role, system, ...workloads] = process.argv.slice(2)
if (role === 'seed') await seed(system as System, workloads as WorkloadName[])
else if (role === 'fetcher') await fetcher(system as System)
else throw new Error(`unknown role ${role}`)
