import { logger } from '@libp2p/logger'
import {
  errorMessage, commonVersion, NotStartedError, PeerUnreachableError,
  type AbortOptions, type BitswapMessage, type BitswapNetwork, type LinkStats, type NetworkHandler, type PeerKey,
  type ProtocolVersion, type ProviderRecord, DEFAULT_MAX_INCOMING_MESSAGE_SIZE, MessageTooLargeError
} from '@swapwright/core'
import { PeerRecords } from '@swapwright/core/internal'
import { emptyLinkStats, type SimulatedLink } from './link.js'
import type { SimulatedNetwork } from './simulated-network.js'

const log = logger('swapwright:transports:simulated')

/** Core's error, still exported from here for code written against earlier versions. */
export { PeerUnreachableError }

/** One node's view of the simulated network: a `BitswapNetwork` like any other. */
export class SimulatedNodeNetwork implements BitswapNetwork {
  readonly name = 'simulated-network'
  readonly self: PeerKey
  /** The newest version this node speaks. */
  readonly maxVersion: ProtocolVersion
  private readonly hub: SimulatedNetwork
  private handler: NetworkHandler | undefined
  private readonly connections = new Map<PeerKey, ProtocolVersion>()
  /** Counters per peer; they outlive the connection, for the newest `retainDepartedPeers` departures. */
  private readonly traffic: PeerRecords<LinkStats>
  /**
   * Per connected peer, which connection is the current one (a number no earlier connection had): a message in
   * flight when its connection closed is lost, even if the peers connect again before it would have arrived, as
   * on a real link. Forgotten on disconnect, so it holds only connected peers.
   */
  private readonly generations = new Map<PeerKey, number>()
  /** This node's outgoing links by peer: the hub names a link by a string of both ends, made on every lookup. */
  private readonly linksOut = new Map<PeerKey, SimulatedLink>()
  private connectionsMade = 0

  constructor (hub: SimulatedNetwork, self: PeerKey, maxVersion: ProtocolVersion) {
    this.hub = hub
    this.self = self
    this.maxVersion = maxVersion
    this.traffic = new PeerRecords(emptyLinkStats, hub.init.retainDepartedPeers)
  }

  get isStarted (): boolean {
    return this.handler != null
  }

  async start (handler: NetworkHandler): Promise<void> {
    this.handler = handler
  }

  async stop (): Promise<void> {
    for (const peer of [...this.connections.keys()]) await this.disconnect(peer)
    this.handler = undefined
  }

  async connect (target: PeerKey | ProviderRecord, options: AbortOptions = {}): Promise<ProtocolVersion> {
    options.signal?.throwIfAborted()
    if (this.handler == null) throw new NotStartedError('The simulated network')
    const peer = typeof target === 'string' ? target : target.peer
    const existing = this.connections.get(peer)
    if (existing != null) return existing
    const remote = this.hub.peer(peer)
    if (remote == null || !remote.isStarted || peer === this.self) {
      throw new PeerUnreachableError(peer, remote == null ? 'no such peer' : peer === this.self ? 'it is this node' : 'it is not started')
    }
    const version = commonVersion(this.maxVersion, remote.maxVersion)
    this.attach(peer, version)
    remote.attach(this.self, version)
    return version
  }

  async disconnect (peer: PeerKey): Promise<void> {
    if (!this.connections.has(peer)) return
    this.detach(peer)
    this.hub.peer(peer)?.detach(this.self)
  }

  async send (peer: PeerKey, message: BitswapMessage, options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    const version = this.connections.get(peer)
    if (version == null) throw new PeerUnreachableError(peer, 'not connected')
    const remote = this.hub.peer(peer) as SimulatedNodeNetwork
    let link = this.linksOut.get(peer)
    if (link == null) {
      link = this.hub.link(this.self, peer)
      this.linksOut.set(peer, link)
    }
    const generation = this.generations.get(peer)
    const stats = this.traffic.of(peer)
    const parts = this.hub.encode(message, version)
    let leftAt = this.hub.clock.now()
    for (const bytes of parts) {
      link.messages++
      link.bytes += bytes.byteLength
      stats.messagesSent++
      stats.bytesSent += bytes.byteLength
      const now = this.hub.clock.now()
      const { sentAt, deliverAt } = link.transmit(now, bytes.byteLength)
      leftAt = sentAt
      this.hub.messageScheduled()
      this.hub.clock.setTimeout(() => {
        this.hub.messageSettled()
        if (this.connections.get(peer) == null || this.generations.get(peer) !== generation) {
          link.dropped++
          return
        }
        remote.receive(this.self, bytes)
      }, deliverAt - now)
    }
    const wait = leftAt - this.hub.clock.now()
    if (wait > 0) await this.hub.clock.sleep(wait, options)
  }

  version (peer: PeerKey): ProtocolVersion | undefined {
    return this.connections.get(peer)
  }

  connectedPeers (): PeerKey[] {
    return [...this.connections.keys()]
  }

  /** Round trip: the two one-way delays. */
  latency (peer: PeerKey): number | undefined {
    if (!this.connections.has(peer)) return undefined
    return this.hub.link(this.self, peer).latency + this.hub.link(peer, this.self).latency
  }

  stats (peer: PeerKey): LinkStats | undefined {
    const stats = this.traffic.get(peer)
    return stats == null ? undefined : { ...stats }
  }

  /** Called by the hub side of a connection. */
  attach (peer: PeerKey, version: ProtocolVersion): void {
    this.connections.set(peer, version)
    this.traffic.arrived(peer)
    this.generations.set(peer, ++this.connectionsMade)
    this.handler?.onPeerConnected(peer, version)
  }

  detach (peer: PeerKey): void {
    if (!this.connections.delete(peer)) return
    this.generations.delete(peer)
    this.traffic.departed(peer)
    this.handler?.onPeerDisconnected(peer)
  }

  /** A message arrives: decoded with the same limits a real stream applies. */
  receive (from: PeerKey, bytes: Uint8Array): void {
    const handler = this.handler
    if (handler == null) return
    const stats = this.traffic.of(from)
    stats.messagesReceived++
    stats.bytesReceived += bytes.byteLength
    const init = this.hub.init
    let message
    try {
      const limit = init.maxIncomingMessageSize ?? DEFAULT_MAX_INCOMING_MESSAGE_SIZE
      if (bytes.byteLength > limit) throw new MessageTooLargeError(bytes.byteLength, limit)
      message = this.hub.decode(bytes)
    } catch (err) {
      log('rejected a message from %s: %s', from, errorMessage(err))
      handler.onProtocolError?.(from, err as Error)
      return
    }
    this.hub.delivered(from, this.self, message, bytes.byteLength)
    // The simulated network does not push back on a slow apply; a failed one is logged, not left unhandled.
    const applied = handler.onMessage(from, message, bytes.byteLength)
    if (applied instanceof Promise) applied.catch((err: unknown) => { log('applying a message from %s failed: %s', from, String(err)) })
  }
}
