import { serviceCapabilities, serviceDependencies } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import {
  createBitswap, DEFAULT_CONFIG, factoryPlugin, logNode, NotStartedError, tapNetwork, WireCounters, wireLog, type Bitswap,
  type BitswapEvents, type BitswapOptions, type NodeStats, type SessionOptions, type WantOptions
} from '@swapwright/core'
import { type Session } from '@swapwright/core/internal'
import { registerBitswapMetrics } from './bitswap-metrics.js'
import { componentsHost, type Libp2pHostComponents } from './components-host.js'
import { libp2pNetwork, type Libp2pBitswapNetwork } from './libp2p-network.js'
import type { Libp2pNetworkInit } from './settings.js'
import type { ComponentLogger, Metrics, Startable } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

const log = logger('swapwright:transports:libp2p-service')

/**
 * `createBitswap`'s options without `network` (the service supplies it): a `blockstore` and the policies
 * (`...goDefaults()` from `@swapwright/strategies`) are required, as they are there. And the libp2p network's own settings
 * (`Libp2pNetworkInit`: `protocols`, `sendTimeout`, stream limits...). `maxIncomingMessageSize` and
 * `maxOutgoingMessageSize` are in both and mean the same in both.
 */
export interface BitswapServiceInit extends Omit<BitswapOptions, 'network'>, Libp2pNetworkInit {}

/**
 * The libp2p components the service runs on: the node's own components satisfy it. With `metrics` (libp2p's
 * `metrics` option, e.g. `@libp2p/prometheus-metrics`) the node's counters are registered there (see
 * `registerBitswapMetrics`); with `logger` its logs go through the node's per-component logger.
 */
export interface BitswapServiceComponents extends Libp2pHostComponents {
  metrics?: Metrics
  logger?: ComponentLogger
}

/** What the service says it provides, for other services to depend on. */
export const BITSWAP_SERVICE_CAPABILITY = '@swapwright/bitswap'

/** Every event a Bitswap node announces, each passed on by the service. Spelt as a record so none is missed. */
const FORWARDED: Record<keyof BitswapEvents, true> = {
  'block:received': true,
  'peer:connected': true,
  'peer:disconnected': true,
  'peer:protocol-error': true
}

/** Every option of the libp2p network, spelt as a record: one added there fails to compile until named here. */
const NETWORK_OPTIONS: Record<keyof Libp2pNetworkInit, true> = {
  protocols: true,
  sendTimeout: true,
  minSendRate: true,
  maxSendTimeout: true,
  maxInboundStreams: true,
  maxInboundStreamsPerPeer: true,
  readTimeout: true,
  minReadRate: true,
  maxReadTimeout: true,
  maxQueuedMessagesPerPeer: true,
  maxQueuedMessageBytes: true,
  maxOutboundStreams: true,
  closeTimeout: true,
  maxIncomingMessageSize: true,
  maxOutgoingMessageSize: true,
  decodeLimits: true,
  maxOutboundIdle: true
}

/**
 * The options for `createBitswap` and those for the network. An option both know (the message size limits) goes
 * to the node only: the network takes the node's configuration as its defaults, so the two always agree.
 */
function split (
  init: BitswapServiceInit
): { options: Omit<BitswapOptions, 'network'>, networkInit: Libp2pNetworkInit } {
  const options: Record<string, unknown> = {}
  const networkInit: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(init)) {
    const networkOnly = Object.hasOwn(NETWORK_OPTIONS, key) && !Object.hasOwn(DEFAULT_CONFIG, key)
    if (networkOnly) networkInit[key] = value
    else options[key] = value
  }
  return { options: options as Omit<BitswapOptions, 'network'>, networkInit }
}

/**
 * Swapwright's Bitswap as a libp2p service. libp2p starts it with the node: it then builds a Bitswap node over
 * the node's components and starts it. It is stopped before the node closes its connections, so streams can
 * still flush. Each start builds a fresh Bitswap node: wants, sessions and ledgers do not outlive a stop.
 *
 * Use it through `want`, `createSession`, `getWantlist`, `notifyNewBlocks` and `stats`, or reach the whole
 * node through `bitswap`. Every one of these throws `NotStartedError` while the node is not running. Events
 * (`block:received`, `peer:connected`, ...) are passed on from whichever Bitswap node is running, so listeners
 * may be added at any time, before the first start too.
 */
export class Libp2pBitswapService implements Startable {
  readonly [Symbol.toStringTag] = BITSWAP_SERVICE_CAPABILITY
  readonly [serviceCapabilities]: string[] = [BITSWAP_SERVICE_CAPABILITY]
  /** Peers are learnt through libp2p's topology, which only reports peers that identify has run on. */
  readonly [serviceDependencies]: string[] = ['@libp2p/identify']
  private readonly components: BitswapServiceComponents
  private readonly init: BitswapServiceInit
  private readonly events = new EventTarget()
  private node: { bitswap: Bitswap, network: Libp2pBitswapNetwork } | undefined
  /** What every Bitswap node this service runs sent and received, entry by entry: the source of its metrics. */
  readonly counters = new WireCounters()
  private stopLog: (() => void) | undefined

  constructor (components: BitswapServiceComponents, init: BitswapServiceInit) {
    this.components = components
    this.init = init
    // Registered once (a name can be registered only once); each scrape reads whichever node runs then.
    if (components.metrics != null) {
      registerBitswapMetrics(components.metrics, { counters: this.counters, stats: () => this.node?.bitswap.stats() })
    }
  }

  get isStarted (): boolean {
    return this.node?.bitswap.isStarted === true
  }

  /** The running Bitswap node. */
  get bitswap (): Bitswap {
    return this.running().bitswap
  }

  /** The libp2p network under the running node, with its per-peer counters. */
  get network (): Libp2pBitswapNetwork {
    return this.running().network
  }

  async start (): Promise<void> {
    if (this.node != null) return
    const node = this.create()
    try {
      await node.bitswap.start()
    } catch (err) {
      await node.bitswap.stop().catch(() => {})
      throw err
    }
    this.node = node
    log('started on %s', node.network.self)
  }

  /** Stops Bitswap while the node's connections are still open, so what our streams hold can still go out. */
  async beforeStop (): Promise<void> {
    const node = this.node
    if (node == null) return
    this.node = undefined
    this.stopLog?.()
    await node.bitswap.stop()
    log('stopped on %s', node.network.self)
  }

  /** Nothing is left by now unless libp2p skipped `beforeStop`; then this is where Bitswap stops. */
  async stop (): Promise<void> {
    await this.beforeStop()
  }

  /** Fetches one block (from the blockstore if it is there); see `Bitswap.want`. */
  async want (cid: CID, options?: WantOptions): Promise<Uint8Array> {
    return this.bitswap.want(cid, options)
  }

  /** A session for fetching related blocks; see `Bitswap.createSession`. */
  createSession (options?: SessionOptions): Session {
    return this.bitswap.createSession(options)
  }

  /** Every CID the node currently wants. */
  getWantlist (): CID[] {
    return this.bitswap.getWantlist()
  }

  /** Tells Bitswap that blocks were put in its blockstore from outside, so peers waiting for them get them. */
  async notifyNewBlocks (cids: readonly CID[]): Promise<void> {
    await this.bitswap.notifyNewBlocks(cids)
  }

  stats (): NodeStats {
    return this.bitswap.stats()
  }

  addEventListener<K extends keyof BitswapEvents>(
    type: K, listener: (event: BitswapEvents[K]) => void, options?: boolean | AddEventListenerOptions
  ): void {
    this.events.addEventListener(type, listener as EventListener, options)
  }

  removeEventListener<K extends keyof BitswapEvents>(
    type: K, listener: (event: BitswapEvents[K]) => void, options?: boolean | EventListenerOptions
  ): void {
    this.events.removeEventListener(type, listener as EventListener, options)
  }

  private running (): { bitswap: Bitswap, network: Libp2pBitswapNetwork } {
    const node = this.node
    if (node == null || !node.bitswap.isStarted) {
      throw new NotStartedError(`The Bitswap service of libp2p node ${this.components.peerId.toString()}`)
    }
    return node
  }

  private create (): { bitswap: Bitswap, network: Libp2pBitswapNetwork } {
    const { options, networkInit } = split(this.init)
    const plugin = libp2pNetwork(componentsHost(this.components), networkInit)
    // The service keeps the network it built, typed as what it is, rather than reading it back from the node; the
    // node gets it tapped for the metrics and the trace logs.
    let network: Libp2pBitswapNetwork | undefined
    const bitswap = createBitswap({
      // the node's parts log through this libp2p node's per-component logger, as the tap does
      ...(this.components.logger == null ? {} : { logger: this.components.logger }),
      ...options,
      network: factoryPlugin(plugin.name, components => tapNetwork(network = plugin(components), this.counters, wireLog(this.components.logger)))
    })
    this.stopLog = logNode(bitswap, this.components.logger)
    for (const type of Object.keys(FORWARDED) as Array<keyof BitswapEvents>) {
      bitswap.addEventListener(type, (event) => {
        this.events.dispatchEvent(new CustomEvent(type, { detail: event.detail }))
      })
    }
    if (network == null) throw new Error('createBitswap returned without building its network')
    return { bitswap, network }
  }
}

/**
 * Swapwright's Bitswap as a libp2p service, started and stopped with the node:
 * `createLibp2p({ ..., services: { identify: identify(), bitswap: bitswapService({ blockstore, ...goDefaults() }) } })`, then
 * `libp2p.services.bitswap.want(cid)`. Needs the identify service.
 */
export function bitswapService (
  init: BitswapServiceInit
): (components: BitswapServiceComponents) => Libp2pBitswapService {
  return (components) => new Libp2pBitswapService(components, init)
}
