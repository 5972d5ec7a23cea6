import {
  blockstorePlugin, clockPlugin, createBitswap, randomPlugin, VirtualClock, type Bitswap, type BitswapOptions,
  type Plugin, type DecisionStrategy
} from '@swapwright/core'
import { delayedBlockstore, MemoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { SimulatedNetwork, type BandwidthModel } from '@swapwright/transports'
import { RawPeer } from './raw-peer.js'
import type { TestBlock } from './blocks.js'

export interface ServerHarness {
  clock: VirtualClock
  net: SimulatedNetwork
  server: Bitswap
  store: MemoryBlockstore
  /** Raw peers connected to the server. */
  peers: RawPeer[]
  /** Lets every message in flight arrive and be answered. */
  settle: () => Promise<void>
}

export interface ServerHarnessInit extends Partial<Omit<BitswapOptions, 'network'>> {
  blocks?: TestBlock[]
  peers?: number
  latency?: number
  /** Bytes per second of every link (default unlimited). */
  bandwidth?: BandwidthModel
  decisionStrategy?: Plugin<DecisionStrategy>
  /**
   * Virtual ms each block read takes (default 0). Replies are handed to the network without waiting for it, so
   * a test of the order the server serves peers in makes the server itself the bottleneck this way.
   */
  readDelay?: number
}

/** A server node holding `blocks`, and raw peers p0..pN-1 connected to it, on one virtual clock. */
export async function serverHarness (init: ServerHarnessInit = {}): Promise<ServerHarness> {
  const clock = new VirtualClock()
  const net = new SimulatedNetwork({ clock, latency: init.latency ?? 5, bandwidth: init.bandwidth })
  const store = new MemoryBlockstore()
  for (const block of init.blocks ?? []) await store.put(block.cid, block.data)
  const { blocks: _blocks, peers: _peers, latency: _latency, bandwidth: _bandwidth, readDelay, ...options } = init
  const served = readDelay == null ? store : delayedBlockstore(store, { clock, delay: { get: readDelay } })
  const server = createBitswap({
    preset: goDefaults(),
    random: randomPlugin(7),
    ...options,
    network: net.plugin('server'),
    clock: clockPlugin(clock),
    blockstore: blockstorePlugin(served)
  })
  await server.start()
  const peers: RawPeer[] = []
  for (let i = 0; i < (init.peers ?? 1); i++) {
    const peer = await RawPeer.start(net, `p${i}`)
    await peer.network.connect('server')
    peers.push(peer)
  }
  return { clock, net, server, store, peers, settle: async () => clock.runUntilIdle() }
}
