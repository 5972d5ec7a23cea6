import {
  blockstorePlugin, createBitswap, factoryPlugin, type Bitswap, type BitswapOptions, type PeerKey, type Plugin
} from '@swapwright/core'
import { MemoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { libp2pNetwork, type Libp2pBitswapNetwork } from '@swapwright/transports'
import { createNode } from './libp2p-node.js'
import type { TestBlock } from './blocks.js'
import type { Libp2p } from '@libp2p/interface'

/** A started Swapwright node on a real libp2p node, with its blockstore. */
export interface SwapwrightPeer {
  node: Bitswap
  store: MemoryBlockstore
  libp2p: Libp2p
  /** The node's peer id as a string. */
  key: PeerKey
  /** The libp2p network the node runs on, with its per-peer counters. */
  network: Libp2pBitswapNetwork
  /** Stops the Bitswap node, then the libp2p node; safe to call twice. */
  stop(): Promise<void>
}

export interface SwapwrightPeerInit {
  /** The libp2p node to run on (default: a fresh TCP node on 127.0.0.1). */
  libp2p?: Libp2p
  /** The network plugin, which must run on `libp2p` (default: `libp2pNetwork(libp2p)`). */
  network?: (libp2p: Libp2p) => Plugin<Libp2pBitswapNetwork>
  /** The node's blockstore (default: a fresh in-memory one). */
  store?: MemoryBlockstore
  /** Blocks the node holds from the start. */
  blocks?: TestBlock[]
  /** Any other createBitswap option (a provider finder, limits...). */
  options?: Partial<Omit<BitswapOptions, 'network' | 'blockstore'>>
}

export async function startSwapwright (init: SwapwrightPeerInit = {}): Promise<SwapwrightPeer> {
  const libp2p = init.libp2p ?? await createNode()
  const store = init.store ?? new MemoryBlockstore()
  for (const block of init.blocks ?? []) await store.put(block.cid, block.data)
  let node: Bitswap
  let network: Libp2pBitswapNetwork | undefined
  const plugin = (init.network ?? libp2pNetwork)(libp2p)
  try {
    // Keeps the network it builds, as the libp2p service does, rather than reading it back from the node.
    node = createBitswap({
      preset: goDefaults(),
      ...init.options,
      network: factoryPlugin(plugin.name, components => (network = plugin(components))),
      blockstore: blockstorePlugin(store)
    })
    await node.start()
  } catch (err) {
    await libp2p.stop()
    throw err
  }
  return {
    node,
    store,
    libp2p,
    key: libp2p.peerId.toString(),
    network: network as Libp2pBitswapNetwork,
    stop: async () => {
      await node.stop().catch(() => {})
      await Promise.resolve(libp2p.stop()).catch(() => {})
    }
  }
}

/** Byte-for-byte equality, whatever the views' classes (decoded bytes may be Buffers). */
export function sameBytes (actual: Uint8Array | undefined, expected: Uint8Array): boolean {
  return actual != null && Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(expected)
}
