import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { blockstorePlugin, createBitswap, errorMessage, logNode, tappedNetwork, WireCounters, wireLog, type Bitswap, type BitswapConfig, type SessionFeedback } from '@swapwright/core'
import { goDefaults } from '@swapwright/strategies'
import { dhtProviderFinder, libp2pNetwork, registerBitswapMetrics, type Libp2pNetworkInit } from '@swapwright/transports'
import { createLibp2p, type Libp2pOptions, type ServiceFactoryMap } from 'libp2p'
import { NODE_STOP_TIMEOUT } from './constants.js'
import { CliError, ExitCode } from './errors.js'
import { dhtService, type DhtSettings } from './dht.js'
import { nodeNoiseCrypto } from './noise-crypto.js'
import { observedPeerSelector } from './observed-peer-selector.js'
import type { ConnectionLimits } from './connection-limits.js'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Blockstore } from 'interface-blockstore'

/**
 * A Swapwright node on its own libp2p host: TCP and WebSockets, noise, yamux and identify, and nothing that dials
 * by itself.
 * With DHT settings it also runs kad-dht (and the ping it needs), and its sessions find providers through it.
 */
export interface CliNode {
  libp2p: Libp2p
  bitswap: Bitswap
  /** The DHT, when the node runs one. */
  dht?: KadDHT
  /** What went over the wire with each peer, entry by entry (the source of metrics and of `get`'s report). */
  counters: WireCounters
  /**
   * Stops Bitswap and libp2p, waiting at most `NODE_STOP_TIMEOUT`: a close that a vanished peer never answers is
   * left behind (`onSlowStop` says so) rather than keeping the command from ending. Safe to call again.
   */
  stop: () => Promise<void>
}

export interface NodeOptions {
  /** Told what every session of the node learns: peers added and removed, HAVEs, DONT_HAVEs, blocks. */
  observe?: (feedback: SessionFeedback) => void
  /** The node's peer identity (a repository's); a fresh one otherwise. */
  privateKey?: PrivateKey
  /** Connection limits of a node that others connect to; libp2p's defaults otherwise. */
  limits?: ConnectionLimits
  /** Called when stopping took longer than `NODE_STOP_TIMEOUT` and was given up on. */
  onSlowStop?: () => void
  /** Counts what goes over the wire (e.g. for a fetch's report); a fresh one otherwise. */
  counters?: WireCounters
  /** libp2p's metrics (e.g. a `MetricsEndpoint`'s): Bitswap's counters are registered there too. */
  metrics?: Libp2pOptions['metrics']
  /** Limits of the node against hostile peers (`SERVER_LIMITS`); the defaults otherwise. */
  serverLimits?: Partial<BitswapConfig>
  /** Limits of its libp2p network (`NETWORK_LIMITS`); the defaults otherwise. */
  networkLimits?: Libp2pNetworkInit
}

export async function startNode (blockstore: Blockstore, listen: string[], dht?: DhtSettings, options: NodeOptions = {}): Promise<CliNode> {
  const services: ServiceFactoryMap = { identify: identify() }
  // ping is only for the DHT, and loaded with it: a get from a named peer starts without either
  if (dht != null) Object.assign(services, { ping: (await import('@libp2p/ping')).ping(), dht: await dhtService(dht) })
  const limits = options.limits
  const libp2p = await listenOrExplain(listen, createLibp2p({
    ...(options.privateKey == null ? {} : { privateKey: options.privateKey }),
    addresses: { listen },
    // WebSockets too, so a browser node can dial a `serve` listening on a /ws address
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise({ crypto: nodeNoiseCrypto })],
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
    ...(options.metrics == null ? {} : { metrics: options.metrics }),
    services
  }))
  const strategies = goDefaults()
  const counters = options.counters ?? new WireCounters()
  const bitswap = createBitswap({
    ...options.serverLimits,
    logger: libp2p.logger,
    // Tapped for the per-peer report, metrics and trace logs, through libp2p's per-component logger.
    network: tappedNetwork(libp2pNetwork(libp2p, options.networkLimits), counters, wireLog(libp2p.logger)),
    blockstore: blockstorePlugin(blockstore),
    ...strategies,
    ...(options.observe == null ? {} : { peerSelector: observedPeerSelector(strategies.peerSelector, options.observe) }),
    ...(dht == null ? {} : { providerFinder: dhtProviderFinder(libp2p) }),
    // The command announces only the roots it serves, itself: a record per block would cost a DHT walk each.
    announceBlocks: false
  })
  if (libp2p.metrics != null) registerBitswapMetrics(libp2p.metrics, { counters, stats: () => bitswap.stats() })
  const stopLog = logNode(bitswap, libp2p.logger)
  await bitswap.start()
  let stopping: Promise<void> | undefined
  return {
    libp2p,
    bitswap,
    dht: (libp2p.services as { dht?: KadDHT }).dht,
    counters,
    stop: async () => {
      stopping ??= within(NODE_STOP_TIMEOUT, (async () => {
        stopLog()
        await bitswap.stop()
        await libp2p.stop()
      })()).then(finished => { if (!finished) options.onSlowStop?.() })
      await stopping
    }
  }
}

/** Whether `work` settled within `ms`; a failure counts as settled (the node is going away either way). */
async function within (ms: number, work: Promise<void>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<boolean>(resolve => { timer = setTimeout(() => { resolve(false) }, ms) })
  try {
    return await Promise.race([work.then(() => true, () => true), late])
  } finally {
    clearTimeout(timer)
  }
}

/** A listen address whose port another program holds is one clear line naming it, not libp2p's stack trace. */
async function listenOrExplain (listen: string[], starting: Promise<Libp2p>): Promise<Libp2p> {
  try {
    return await starting
  } catch (err) {
    const message = errorMessage(err)
    if (!message.includes('EADDRINUSE')) throw err
    const taken = [...message.matchAll(/(\/\S+): Error: listen EADDRINUSE/g)].map(m => m[1])
    throw new CliError(`Cannot listen on ${taken.length > 0 ? taken.join(' and ') : listen.join(' or ')}: the port is taken, by another ` +
      'swapwright serve or an IPFS node such as Kubo (which uses 4001 too); choose another port with --listen, ' +
      'e.g. --listen /ip4/0.0.0.0/tcp/4002', ExitCode.failure, { cause: err })
  }
}
