import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { blockstorePlugin, createBitswap, errorMessage, logNode, systemClock, tappedNetwork, WireCounters, wireLog, type Bitswap, type BitswapConfig, type SessionFeedback, type Timer, type WireTap } from '@swapwright/core'
import { goDefaults } from '@swapwright/strategies'
import { dhtProviderFinder, libp2pNetwork, registerBitswapMetrics, scopeSparingLogger, type Libp2pNetworkInit } from '@swapwright/transports'
import { createLibp2p, type Libp2pOptions, type ServiceFactoryMap } from 'libp2p'
import { NODE_STOP_TIMEOUT } from './constants.js'
import { CliError, ExitCode } from './errors.js'
import { dhtService, type DhtSettings } from './dht.js'
import { nodeNoiseCrypto } from './noise-crypto.js'
import { gatheredWrites, gatheringTcp } from './gathered-writes.js'
import { observedPeerSelector } from './observed-peer-selector.js'
import { unfileOwnProtocols } from './own-protocol-records.js'
import { skipRefiledProtocols } from './protocol-refiling.js'
import { frameBatching } from './yamux-frame-batching.js'
import type { ConnectionLimits } from './connection-limits.js'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Blockstore } from 'interface-blockstore'

/**
 * A Swapwright node on its own libp2p host: TCP and WebSockets, noise, yamux and identify (see `identifyPeers`),
 * and nothing that dials by itself.
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
  /** Most wants one `getBlocks` batch has out at once (a fetcher's `FETCH_BATCH_WANTS`); core's `maxBatchWants` otherwise. */
  batchWants?: number
  /**
   * Addresses the node will dial (`get`'s --peer): one over WebSockets makes the node load that transport too.
   * A node that listens on /ws, or runs a DHT (whose providers may give /ws addresses), always has it.
   */
  dialing?: readonly Multiaddr[]
  /** How long one dial may take, handshakes included (ms); libp2p's defaults otherwise. */
  dialTimeout?: number
  /** More observers of every message sent and received (e.g. the time of `get`'s first want). */
  taps?: readonly WireTap[]
  /**
   * Whether the node runs libp2p's identify (default true). A DHT needs its peers' records; a fetch from named
   * peers does not (the Bitswap stream it opens tells their version), and identify cost a get's start more than
   * it gave: on starting it files the node's own two metadata entries in the peer store, which sorts them with
   * the locale's collation, and that first use loads ICU's collator (15-80 ms measured); then it exchanges
   * signed records with every peer. All before the first want. Peers that ask such a node are told it does not
   * speak identify, and carry on (the Go implementation and `serve` both do).
   */
  identifyPeers?: boolean
  /** The largest receive window of each yamux stream, in bytes (`FETCH_RECEIVE_WINDOW`, `SERVE_RECEIVE_WINDOW`); the muxer's otherwise. */
  receiveWindow?: number
  /** Whether the muxer writes each loop turn's frames together (a fetcher's; see `frameBatching`); default false. */
  batchFrames?: boolean
}

/** A /ws or /wss address: the only kind that needs the WebSockets transport. */
const WEBSOCKETS = /\/wss?(\/|$)/

/**
 * TCP always; WebSockets only when some address needs it. The WebSockets transport pulls in Node's HTTP server
 * and with it the fetch implementation, about a tenth of a second of every start of a `get` that never uses them.
 */
async function transportsFor (listen: readonly string[], dht: DhtSettings | undefined, dialing: readonly Multiaddr[]): Promise<Libp2pOptions['transports']> {
  const needed = dht != null || [...listen, ...dialing.map(ma => ma.toString())].some(address => WEBSOCKETS.test(address))
  if (!needed) return [gatheringTcp()]
  const { webSockets } = await import('@libp2p/websockets')
  return [gatheringTcp(), webSockets()]
}

/** yamux with the node's receive window, its frames batched per loop turn when asked. */
function muxer (options: NodeOptions): NonNullable<Libp2pOptions['streamMuxers']>[number] {
  const muxing = yamux(options.receiveWindow == null ? {} : { streamOptions: { maxStreamWindowSize: options.receiveWindow } })
  return options.batchFrames === true ? frameBatching(muxing) : muxing
}

export async function startNode (blockstore: Blockstore, listen: string[], dht?: DhtSettings, options: NodeOptions = {}): Promise<CliNode> {
  const services: ServiceFactoryMap = options.identifyPeers === false ? {} : { identify: (await import('@libp2p/identify')).identify() }
  // ping is only for the DHT, and loaded with it: a get from a named peer starts without either
  if (dht != null) Object.assign(services, { ping: (await import('@libp2p/ping')).ping(), dht: await dhtService(dht) })
  const limits = options.limits
  const libp2p = await listenOrExplain(listen, createLibp2p({
    ...(options.privateKey == null ? {} : { privateKey: options.privateKey }),
    // a stream's logger only when something logs it: a Go peer opens a stream per message
    logger: scopeSparingLogger(),
    addresses: { listen },
    // WebSockets too when an address needs it, so a browser node can dial a `serve` listening on a /ws address
    transports: await transportsFor(listen, dht, options.dialing ?? []),
    // the pieces of each send leave in gathered socket writes rather than one write each (see gathered-writes.ts)
    connectionEncrypters: [gatheredWrites(noise({ crypto: nodeNoiseCrypto }))],
    streamMuxers: [muxer(options)],
    connectionManager: {
      ...(limits == null
        ? {}
        : {
            maxConnections: limits.maxConnections,
            maxIncomingPendingConnections: limits.maxPendingConnections,
            inboundConnectionThreshold: limits.inboundConnectionsPerSecond,
            inboundUpgradeTimeout: limits.handshakeTimeout
          }),
      // One address per peer here: its one dial may take the whole time rather than libp2p's per-address share
      ...(options.dialTimeout == null ? {} : { dialTimeout: options.dialTimeout, addressDialTimeout: options.dialTimeout })
    },
    // libp2p pings every connection every 10 s and drops it when an answer takes longer than about 5 s. On a busy
    // machine, or behind megabytes of blocks queued on the same connection, that dropped live transfers; the
    // command's own timeouts (get's --idle-timeout, the server's send and read timeouts) judge a peer by its work.
    connectionMonitor: { abortConnectionOnPingFailure: false },
    ...(options.metrics == null ? {} : { metrics: options.metrics }),
    services
  }))
  // no identify, so no reader of the node's own protocols: not filed (see unfileOwnProtocols)
  if (options.identifyPeers === false) unfileOwnProtocols(libp2p)
  // a Go peer's stream per message would otherwise file its protocol in the peer store each time
  skipRefiledProtocols(libp2p)
  // The peers a get names are dialled now, while Bitswap is put together and started: the handshakes' round trips
  // run meanwhile. The caller's own dial of the same address joins this one (libp2p shares a dial under way, and
  // returns a connection already open); a failure here is the caller's to see and report when it dials.
  for (const address of options.dialing ?? []) libp2p.dial(address).catch(() => {})
  const strategies = goDefaults()
  const counters = options.counters ?? new WireCounters()
  const bitswap = createBitswap({
    ...options.serverLimits,
    logger: libp2p.logger,
    // Tapped for the per-peer report, metrics and trace logs, through libp2p's per-component logger.
    network: tappedNetwork(libp2pNetwork(libp2p, options.networkLimits), counters, wireLog(libp2p.logger), ...options.taps ?? []),
    blockstore: blockstorePlugin(blockstore),
    ...strategies,
    ...(options.observe == null ? {} : { peerSelector: observedPeerSelector(strategies.peerSelector, options.observe) }),
    ...(dht == null ? {} : { providerFinder: dhtProviderFinder(libp2p) }),
    // The command announces only the roots it serves, itself: a record per block would cost a DHT walk each.
    announceBlocks: false,
    ...(options.batchWants == null ? {} : { maxBatchWants: options.batchWants })
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
  let timer: Timer | undefined
  const late = new Promise<boolean>(resolve => { timer = systemClock().setTimeout(() => { resolve(false) }, ms) })
  try {
    return await Promise.race([work.then(() => true, () => true), late])
  } finally {
    timer?.cancel()
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
