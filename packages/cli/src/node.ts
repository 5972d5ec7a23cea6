import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { blockstorePlugin, createBitswap, type Bitswap } from '@swapwright/core'
import { dhtProviderFinder, libp2pNetwork } from '@swapwright/transports'
import { createLibp2p, type ServiceFactoryMap } from 'libp2p'
import { dhtService, type DhtSettings } from './dht.js'
import type { Libp2p } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Blockstore } from 'interface-blockstore'

/**
 * A Swapwright node on its own libp2p host: TCP, noise, yamux and identify, and nothing that dials by itself.
 * With DHT settings it also runs kad-dht (and the ping it needs), and its sessions find providers through it.
 */
export interface CliNode {
  libp2p: Libp2p
  bitswap: Bitswap
  /** The DHT, when the node runs one. */
  dht?: KadDHT
  stop: () => Promise<void>
}

export interface NodeOptions {
  /** Connection limits of a node that others connect to; libp2p's defaults otherwise. */
  limits?: {
    /** Open connections in all. */
    maxConnections: number
    /** Inbound connections still in their handshake at once. */
    maxPendingConnections: number
    /** New inbound connections a second from one address. */
    inboundConnectionsPerSecond: number
  }
}

export async function startNode (blockstore: Blockstore, listen: string[], dht?: DhtSettings, options: NodeOptions = {}): Promise<CliNode> {
  const services: ServiceFactoryMap = { identify: identify() }
  if (dht != null) Object.assign(services, { ping: ping(), dht: await dhtService(dht) })
  const limits = options.limits
  const libp2p = await createLibp2p({
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    ...(limits == null
      ? {}
      : {
          connectionManager: {
            maxConnections: limits.maxConnections,
            maxIncomingPendingConnections: limits.maxPendingConnections,
            inboundConnectionThreshold: limits.inboundConnectionsPerSecond
          }
        }),
    services
  })
  const bitswap = await createBitswap({
    network: libp2pNetwork(libp2p),
    blockstore: blockstorePlugin(blockstore),
    ...(dht == null ? {} : { providerFinder: dhtProviderFinder(libp2p) }),
    // The command announces only the roots it serves, itself: a record per block would cost a DHT walk each.
    announceBlocks: false
  })
  await bitswap.start()
  let stopping: Promise<void> | undefined
  return {
    libp2p,
    bitswap,
    dht: (libp2p.services as { dht?: KadDHT }).dht,
    // Safe to call again: the first call's stop is the one awaited.
    stop: async () => {
      stopping ??= (async () => {
        await bitswap.stop()
        await libp2p.stop()
      })()
      await stopping
    }
  }
}
