import {
  blockstorePlugin, clockPlugin, createBitswap, randomPlugin, SeededRandom, VirtualClock, type Bitswap,
  type Blockstore, type PeerKey, type Preset, type ProtocolVersion
} from '@swapwright/core'
import { DelayedBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { GO_BURST_SECONDS, hashString, SimulatedNetwork } from '@swapwright/transports'
import { GuardedClock } from './guarded-clock.js'
import { InterningBlockstore, internKey } from './interning-blockstore.js'
import { SeedStores } from './seed-blockstore.js'
import { MessageCounter } from './message-counter.js'
import { sharedLogger } from './shared-logger.js'
import { blockSet, type LabBlock } from '../scenarios/blocks.js'
import type { Scenario } from '../scenarios/scenario.js'

/** A strategy set: a preset, or a function making a fresh one for each node (the safer form for stateful plugins). */
export type StrategySet = Preset | (() => Preset)

export interface LabNode {
  name: PeerKey
  node: Bitswap
}

/**
 * The nodes of one run: seeds holding their share of the blocks, then fetchers with empty stores, all on one
 * simulated network and one virtual clock, every node connected to every other (as the Go harness does).
 */
export class LabSwarm {
  readonly clock = new VirtualClock()
  /** What the nodes see of the clock (the network runs on the bare one). */
  readonly nodeClock = new GuardedClock(this.clock)
  readonly counter = new MessageCounter()
  readonly network: SimulatedNetwork
  readonly seeds: LabNode[] = []
  readonly fetchers: LabNode[] = []
  blocks: LabBlock[] = []

  constructor (readonly scenario: Scenario, readonly seed: number) {
    const { latency, bandwidth, burstSeconds } = scenario.network
    this.network = new SimulatedNetwork({
      clock: this.clock, seed, latency, bandwidth, burstSeconds: burstSeconds ?? GO_BURST_SECONDS, onDeliver: this.counter.observe
    })
  }

  /** Builds, fills, starts and connects every node. */
  async start (strategy: StrategySet): Promise<void> {
    const { scenario, seed } = this
    this.blocks = await blockSet({ count: scenario.blocks, size: scenario.blockSize, rootSize: scenario.rootBlockSize })
    const holdings = scenario.distribution.assign(scenario.seeds, this.blocks.length, new SeededRandom(hashString(`distribution/${seed}`)))
    const delay = scenario.network.blockstoreLatency ?? 0
    const seedStores = new SeedStores(this.blocks)
    for (let i = 0; i < scenario.seeds; i++) {
      const store = seedStores.holding(holdings[i])
      const blockstore = delay > 0 ? new DelayedBlockstore(store, { clock: this.nodeClock, delay }) : store
      this.seeds.push(await this.node(`seed-${i}`, blockstore, strategy, scenario.seedVersion))
    }
    const canonical = new Map(this.blocks.map(block => [internKey(block.cid), block.bytes]))
    for (let i = 0; i < scenario.fetchers; i++) {
      this.fetchers.push(await this.node(`fetcher-${i}`, new InterningBlockstore(canonical), strategy, '1.2.0'))
    }
    // Every node is connected to every fetcher, as the Go harness connects all to all, but two seeds are not
    // connected to each other: a seed wants nothing, so nothing would ever pass between them, while the set-up of
    // those pairs (a queue, a ledger and two links each) was most of a 200-node run. The connections of each node
    // to the nodes that matter are made in the same order as before, so reports are unchanged.
    const fetchers = new Set(this.fetchers.map(f => f.name))
    await this.network.connectAll((a, b) => fetchers.has(a) || fetchers.has(b))
  }

  async stop (): Promise<void> {
    for (const { node } of [...this.fetchers, ...this.seeds]) await node.stop()
  }

  private async node (name: PeerKey, blockstore: Blockstore, strategy: StrategySet, version: ProtocolVersion): Promise<LabNode> {
    const preset = typeof strategy === 'function' ? strategy() : strategy
    const node = createBitswap({
      // A set may name only the slots it changes; the rest run the Go defaults.
      preset: { ...goDefaults(), ...preset },
      network: this.network.plugin(name, { version }),
      clock: clockPlugin(this.nodeClock),
      random: randomPlugin(hashString(`${name}/${this.seed}`)),
      blockstore: blockstorePlugin(blockstore),
      logger: sharedLogger()
    })
    await node.start()
    return { name, node }
  }
}
