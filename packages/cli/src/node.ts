import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { blockstorePlugin, createBitswap, type Bitswap } from '@swapwright/core'
import { libp2pNetwork } from '@swapwright/transports'
import { createLibp2p } from 'libp2p'
import type { Libp2p } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'

/** A Swapwright node on its own libp2p host: TCP, noise, yamux and identify, and nothing that dials by itself. */
export interface CliNode {
  libp2p: Libp2p
  bitswap: Bitswap
  stop: () => Promise<void>
}

export async function startNode (blockstore: Blockstore, listen: string[]): Promise<CliNode> {
  const libp2p = await createLibp2p({
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  })
  const bitswap = await createBitswap({ network: libp2pNetwork(libp2p), blockstore: blockstorePlugin(blockstore) })
  await bitswap.start()
  return {
    libp2p,
    bitswap,
    stop: async () => {
      await bitswap.stop()
      await libp2p.stop()
    }
  }
}
