import {
  blockstorePlugin, clockPlugin, createBitswap, errorMessage, randomPlugin, VirtualClock, type Bitswap, type Blockstore
} from '@swapwright/core'
import { MemoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { GO_BURST_SECONDS, hashString, SimulatedNetwork, SimulatedRouting } from '@swapwright/transports'
import { connectedPeer, farPeer, FETCHER, placeRoots, type PlacedRoot } from './mainnet-placement.js'
import type { StrategySet } from './lab-swarm.js'
import type { MainnetLikeScenario } from '../scenarios/mainnet-like.js'

/** What one MainnetLike run measured at the fetcher. */
export interface MainnetRunResult {
  scenario: string
  strategy: string
  seed: number
  /** Roots (or DAGs) asked for, and how many of them exist somewhere. */
  roots: number
  available: number
  /** Roots (DAGs: every block) fetched before their deadline. */
  fetched: number
  /** `fetched / available`. */
  success: number
  /** WANT_HAVEs the fetcher queued as broadcasts (its `stats().client.broadcastWantHaves`). */
  broadcastWantHaves: number
  /** Median virtual ms from a root's session start to its root block, over the roots fetched. */
  timeToFirstBlockMs: number | undefined
  /** Virtual ms to each root's first block, in the order asked (null: not fetched). */
  firstBlockTimes: Array<number | null>
  /** Messages the fetcher sent, warm-up included. */
  messagesSent: number
  /** Virtual ms of the whole run. */
  timeMs: number
}

/** Bitswap nodes for one run: the fetcher (with the strategy), connected peers, and far peers only the DHT knows. */
class MainnetSwarm {
  readonly clock = new VirtualClock()
  readonly network: SimulatedNetwork
  readonly routing: SimulatedRouting
  readonly nodes: Bitswap[] = []
  private readonly silent: Array<{ stop: () => Promise<void> }> = []
  fetcher: Bitswap | undefined

  constructor (readonly scenario: MainnetLikeScenario, readonly seed: number) {
    const { latency, bandwidth, burstSeconds } = scenario.network
    this.network = new SimulatedNetwork({ clock: this.clock, seed, latency, bandwidth, burstSeconds: burstSeconds ?? GO_BURST_SECONDS })
    this.routing = new SimulatedRouting({ clock: this.clock, lookupDelay: scenario.dhtLookupDelay })
  }

  async start (roots: readonly PlacedRoot[], strategy: StrategySet): Promise<Bitswap> {
    const stores = new Map<string, MemoryBlockstore>()
    for (const root of roots) {
      if (root.holder === undefined) continue
      let store = stores.get(root.holder)
      if (store == null) stores.set(root.holder, store = new MemoryBlockstore())
      for (const block of root.blocks) await store.put(block.cid, block.bytes)
      this.routing.announce(root.holder, [root.blocks[0].cid])
    }
    const far = Array.from({ length: this.scenario.dhtOnlyPeers }, (_, i) => farPeer(i))
    const peers = [...Array.from({ length: this.scenario.connectedPeers }, (_, i) => connectedPeer(i)), ...far]
    for (const name of peers) {
      const store = stores.get(name)
      if (store != null) this.nodes.push(await this.node(name, store, goDefaults()))
      else await this.silentPeer(name)
    }
    const preset = typeof strategy === 'function' ? strategy() : strategy
    const fetcher = await this.node(FETCHER, new MemoryBlockstore(), { ...goDefaults(), ...preset }, true)
    this.fetcher = fetcher
    const isFar = new Set(far)
    await this.network.connectAll((a, b) => (a === FETCHER && !isFar.has(b)) || (b === FETCHER && !isFar.has(a)))
    return fetcher
  }

  async stop (): Promise<void> {
    await this.fetcher?.stop()
    for (const node of this.nodes) await node.stop()
    for (const peer of this.silent) await peer.stop()
  }

  /**
   * A peer holding none of the roots: it hears the fetcher's wants and says nothing, which is all a Bitswap peer
   * without the block does for a broadcast WANT_HAVE (it asks for no DONT_HAVE), and all the session ever sends
   * it. The bare network end keeps 800-odd of them cheap enough for a run in seconds.
   */
  private async silentPeer (name: string): Promise<void> {
    const end = this.network.node(name)
    await end.start({ onMessage: () => {}, onPeerConnected: () => {}, onPeerDisconnected: () => {} })
    this.silent.push(end)
  }

  private async node (name: string, store: Blockstore, preset: StrategySet, routed = false): Promise<Bitswap> {
    const node = createBitswap({
      preset: typeof preset === 'function' ? preset() : preset,
      network: this.network.plugin(name),
      clock: clockPlugin(this.clock),
      random: randomPlugin(hashString(`${name}/${this.seed}`)),
      blockstore: blockstorePlugin(store),
      ...(routed ? { providerFinder: this.routing.plugin(name) } : {})
    })
    await node.start()
    return node
  }
}

interface RootOutcome { fetched: boolean, firstBlockMs: number | undefined }

/** Fetches one root (and the rest of its DAG) in a session of its own, giving up at the deadline. */
async function fetchRoot (swarm: MainnetSwarm, fetcher: Bitswap, root: PlacedRoot): Promise<RootOutcome> {
  const { clock, scenario } = swarm
  const controller = new AbortController()
  const timer = clock.setTimeout(() => { controller.abort() }, scenario.rootDeadline)
  const session = fetcher.createSession({ signal: controller.signal })
  const start = clock.now()
  let firstBlockMs: number | undefined
  try {
    await session.getBlock(root.blocks[0].cid, { signal: controller.signal })
    firstBlockMs = clock.now() - start
    if (root.blocks.length > 1) {
      for await (const _ of session.getBlocks(root.blocks.slice(1).map(b => b.cid), { signal: controller.signal })) {
        // verified by the client against its CID
      }
    }
    return { fetched: true, firstBlockMs }
  } catch {
    return { fetched: false, firstBlockMs }
  } finally {
    timer.cancel()
    session.close()
  }
}

async function fetchAll (swarm: MainnetSwarm, fetcher: Bitswap, roots: readonly PlacedRoot[], stream: boolean): Promise<RootOutcome[]> {
  const { clock, scenario } = swarm
  if (!stream) {
    const outcomes: RootOutcome[] = []
    for (const root of roots) outcomes.push(await fetchRoot(swarm, fetcher, root))
    return outcomes
  }
  // Exponential gaps from a generator of the run's seed: one arrival schedule per seed, whatever the strategy.
  let at = 0
  let state = hashString(`arrivals/${swarm.seed}/${roots.length}`) || 1
  const starts = roots.map(() => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    at += -Math.log(1 - state / 0x1_0000_0000) * scenario.meanGap
    return at
  })
  return Promise.all(roots.map(async (root, i) => {
    await clock.sleep(starts[i])
    return fetchRoot(swarm, fetcher, root)
  }))
}

function median (values: number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Runs one MainnetLike scenario once, for one strategy and seed. */
export async function runMainnetLike (scenario: MainnetLikeScenario, strategyName: string, strategy: StrategySet, seed: number): Promise<MainnetRunResult> {
  const { warmup, measured: roots } = await placeRoots(scenario, seed)
  const swarm = new MainnetSwarm(scenario, seed)
  const fetcher = await swarm.start([...warmup, ...roots], strategy)
  const maxTime = (warmup.length + roots.length) * (scenario.rootDeadline + scenario.meanGap * 10)
  let start = swarm.clock.now()
  let broadcastsBefore = 0
  let outcomes: RootOutcome[]
  try {
    await swarm.clock.run(async () => fetchAll(swarm, fetcher, warmup, true), { maxTime })
    start = swarm.clock.now()
    broadcastsBefore = fetcher.stats().client.broadcastWantHaves
    outcomes = await swarm.clock.run(async () => fetchAll(swarm, fetcher, roots, scenario.fetch === 'rootStream'), { maxTime })
  } catch (err) {
    await swarm.stop()
    throw new Error(`${scenario.name} (${strategyName}, seed ${seed}) did not finish: ${errorMessage(err)}`, { cause: err })
  }
  const timeMs = swarm.clock.now() - start
  // (messages include the warm-up's)
  let messagesSent = 0
  for (const link of swarm.network.linkStats()) if (link.from === FETCHER) messagesSent += link.messages
  const available = roots.filter(root => root.holder !== undefined).length
  const fetched = outcomes.filter(o => o.fetched).length
  const result: MainnetRunResult = {
    scenario: scenario.name,
    strategy: strategyName,
    seed,
    roots: roots.length,
    available,
    fetched,
    success: available === 0 ? 1 : fetched / available,
    broadcastWantHaves: fetcher.stats().client.broadcastWantHaves - broadcastsBefore,
    timeToFirstBlockMs: median(outcomes.flatMap(o => o.fetched && o.firstBlockMs !== undefined ? [o.firstBlockMs] : [])),
    firstBlockTimes: outcomes.map(o => o.fetched && o.firstBlockMs !== undefined ? o.firstBlockMs : null),
    messagesSent,
    timeMs
  }
  await swarm.clock.run(async () => swarm.stop())
  return result
}
