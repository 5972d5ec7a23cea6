import {
  blockstorePlugin, clockPlugin, createBitswap, randomPlugin, VirtualClock, type Bitswap, type BitswapOptions,
  type ProtocolVersion
} from '@swapwright/core'
import { MemoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { SimulatedNetwork, SimulatedRouting, type SimulatedNetworkInit } from '@swapwright/transports'
import type { TestBlock } from './blocks.js'

export interface SwarmNode {
  name: string
  node: Bitswap
  store: MemoryBlockstore
}

export interface SwarmInit extends Omit<SimulatedNetworkInit, 'clock'> {
  /** Options every node gets (a preset, limits...). */
  options?: Partial<Omit<BitswapOptions, 'network'>>
}

/** Nodes of real Bitswap on one simulated network and one virtual clock. */
export class Swarm {
  readonly clock = new VirtualClock()
  readonly net: SimulatedNetwork
  readonly nodes: SwarmNode[] = []
  /** Who announced which block; every node finds providers through it. */
  readonly routing: SimulatedRouting
  private readonly init: SwarmInit

  constructor (init: SwarmInit = {}) {
    this.init = init
    this.net = new SimulatedNetwork({ latency: 10, ...init, clock: this.clock })
    this.routing = new SimulatedRouting({ clock: this.clock })
  }

  /** Adds a started node; its blocks are announced in the routing unless `announce` is false. */
  async add (name: string, init: { blocks?: TestBlock[], version?: ProtocolVersion, announce?: boolean, options?: Partial<Omit<BitswapOptions, 'network'>> } = {}): Promise<SwarmNode> {
    const store = new MemoryBlockstore()
    for (const block of init.blocks ?? []) await store.put(block.cid, block.data)
    if (init.announce !== false) this.routing.announce(name, (init.blocks ?? []).map(b => b.cid))
    const node = createBitswap({
      preset: goDefaults(),
      random: randomPlugin(this.nodes.length + 1),
      providerFinder: this.routing.plugin(name),
      ...this.init.options,
      ...init.options,
      network: this.net.plugin(name, { version: init.version }),
      clock: clockPlugin(this.clock),
      blockstore: blockstorePlugin(store)
    })
    await node.start()
    const entry = { name, node, store }
    this.nodes.push(entry)
    return entry
  }

  /** Connects every node to every other one. */
  async connectAll (): Promise<void> {
    await this.net.connectAll()
  }

  /** Runs `work` in virtual time (failing, not hanging, if it can never finish). */
  async run<T> (work: () => Promise<T>, maxTime = 10 * 60_000): Promise<T> {
    return this.clock.run(work, { maxTime })
  }

  /** Fetches blocks one at a time through `session`, checking each, and returns each fetch's virtual time. */
  async timeEachBlock (session: { getBlock: (cid: TestBlock['cid']) => Promise<Uint8Array> }, blocks: TestBlock[]): Promise<number[]> {
    return this.run(async () => {
      const times: number[] = []
      for (const block of blocks) {
        const start = this.clock.now()
        const bytes = await session.getBlock(block.cid)
        if (Buffer.compare(Buffer.from(bytes), Buffer.from(block.data)) !== 0) throw new Error(`${block.cid} arrived with other bytes`)
        times.push(this.clock.now() - start)
      }
      return times
    })
  }

  async stop (): Promise<void> {
    for (const { node } of this.nodes) await node.stop()
  }
}
