import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  decodeMessage, DEFAULT_MAX_INCOMING_MESSAGE_SIZE, encodedSize, encodeForPeerChunked, errorMessage, factoryPlugin,
  NotStartedError, PeerUnreachableError, type AbortOptions, type BitswapConfig, type BitswapMessage, type BitswapNetwork,
  type NetworkHandler, type PeerKey, type PeerStanding, type Plugin, type ProtocolVersion, type ProviderRecord
} from '@swapwright/core'
import { dialableAddresses, isLocalAddress, parsePeer } from './addresses.js'
import { ProtocolNotSupportedError, ReadTimeoutError, SendStalledError, SendTimeoutError } from './errors.js'
import { readInbound } from './inbound.js'
import { IntakeBudget, PeerIntake } from './intake.js'
import { OutboundStream, streamVersion, type SendAttempt } from './outbound.js'
import { BitswapPeers } from './peers.js'
import { readTimeoutFor, sendTimeoutFor, settle, type Libp2pNetworkInit, type Settings } from './settings.js'
import { Traffic, type Libp2pLinkStats } from './traffic.js'
import type { Libp2pHost } from './host.js'
import type { Connection, PeerId, Stream } from '@libp2p/interface'

export type { Libp2pNetworkInit } from './settings.js'
export type { Libp2pHost } from './host.js'

const log = logger('swapwright:transports:libp2p')

/**
 * Bitswap over a libp2p node's streams. One long-lived outbound stream per peer carries everything we send it;
 * every inbound stream is read until the peer closes it. Peers that speak Bitswap are learnt from libp2p's
 * topology (after identify), from the streams they open, and from our own dials. The node belongs to the
 * caller: stopping the network releases our protocols and streams but leaves the node and its connections.
 */
export class Libp2pBitswapNetwork implements BitswapNetwork {
  readonly name = 'libp2p-network'
  readonly self: PeerKey
  private readonly host: Libp2pHost
  private readonly settings: Settings
  private readonly peers: BitswapPeers
  private readonly traffic = new Traffic()
  private readonly outbound = new Map<PeerKey, OutboundStream>()
  private readonly inbound = new Set<Stream>()
  /** Open inbound streams per peer, for `maxInboundStreamsPerPeer`. */
  private readonly inboundCount = new Map<PeerKey, number>()
  /** Each peer's messages waiting to be applied, shared by its streams; dropped when it has none open. */
  private readonly intakes = new Map<PeerKey, PeerIntake>()
  /** Bytes of received messages waiting over all peers, against `maxQueuedMessageBytes`. */
  private readonly budget: IntakeBudget
  private readonly readers = new Set<Promise<void>>()
  private handler: NetworkHandler | undefined
  /** Aborted on stop: ends dials, stream opens and sends still under way. */
  private lifetime = new AbortController()

  /** `host` is a `Libp2p` node, or what a libp2p service builds from its components (see `componentsHost`). */
  constructor (host: Libp2pHost, init: Libp2pNetworkInit = {}, config?: Readonly<BitswapConfig>) {
    this.host = host
    this.self = host.peerId.toString()
    this.settings = settle(init, config)
    this.budget = new IntakeBudget(this.settings.maxQueuedMessageBytes)
    this.peers = new BitswapPeers({
      host,
      protocols: this.settings.protocols,
      onUp: (peer, version) => { this.handler?.onPeerConnected(peer, version) },
      onDown: (peer) => {
        this.outbound.get(peer)?.reset(new Error('Peer disconnected'))
        this.outbound.delete(peer)
        this.traffic.departed(peer)
        this.handler?.onPeerDisconnected(peer)
      },
      log
    })
  }

  /** The protocols this network handles and offers, newest first. */
  get protocols (): readonly string[] {
    return this.settings.protocols
  }

  get isStarted (): boolean {
    return this.handler != null
  }

  async start (handler: NetworkHandler): Promise<void> {
    if (this.handler != null) return
    this.lifetime = new AbortController()
    await this.host.handle(this.settings.protocols, this.onStream, {
      maxInboundStreams: this.settings.maxInboundStreams,
      maxOutboundStreams: this.settings.maxOutboundStreams
    })
    this.handler = handler
    try {
      await this.peers.start()
    } catch (err) {
      // Leave nothing half registered: a failed start is a stopped network.
      await this.stop()
      throw err
    }
    log('started on %s with %s', this.self, this.settings.protocols.join(', '))
  }

  async stop (): Promise<void> {
    const handler = this.handler
    if (handler == null) return
    this.handler = undefined
    this.lifetime.abort(new NotStartedError('The libp2p network'))
    try {
      await this.host.unhandle(this.settings.protocols)
    } catch (err) {
      log('could not unhandle our protocols (is the node stopped already?): %s', errorMessage(err))
    }
    const gone = this.peers.stop()
    const closing = [...this.outbound.values()].map(async stream => { await stream.close(this.settings.closeTimeout) })
    this.outbound.clear()
    await Promise.all(closing)
    for (const stream of this.inbound) stream.abort(new Error('Bitswap is stopping'))
    await Promise.all([...this.readers])
    for (const peer of gone) handler.onPeerDisconnected(peer)
    log('stopped on %s', this.self)
  }

  async connect (target: PeerKey | ProviderRecord, options: AbortOptions = {}): Promise<ProtocolVersion> {
    this.requireStarted()
    const peer = typeof target === 'string' ? target : target.peer
    if (peer === this.self) throw new PeerUnreachableError(peer, 'it is this node')
    const peerId = parsePeer(peer)
    const signal = this.signal(options.signal)
    if (!this.peers.isConnected(peerId)) {
      const addresses = typeof target === 'string' ? [] : dialableAddresses(peer, target.addresses)
      try {
        await this.host.dial(addresses.length > 0 ? addresses : peerId, { signal })
      } catch (err) {
        signal.throwIfAborted()
        throw new PeerUnreachableError(peer, `dial failed: ${errorMessage(err)}`)
      }
    }
    // Opening our stream now both proves the peer speaks Bitswap and tells us the version it speaks.
    const version = await this.outboundTo(peer).open(signal)
    this.peers.up(peer, version)
    return version
  }

  async disconnect (peer: PeerKey): Promise<void> {
    await this.host.hangUp(parsePeer(peer))
    // libp2p reports the disconnect too, but asynchronously; the caller may rely on it having happened.
    this.peers.down(peer)
  }

  async send (peer: PeerKey, message: BitswapMessage, options: AbortOptions = {}): Promise<void> {
    this.requireStarted()
    if (peer === this.self) throw new PeerUnreachableError(peer, 'it is this node')
    if (!this.outbound.has(peer) && !this.peers.isConnected(parsePeer(peer))) {
      throw new PeerUnreachableError(peer, 'not connected')
    }
    const allowed = sendTimeoutFor(encodedSize(message), this.settings)
    const timeout = AbortSignal.timeout(allowed)
    const signal = this.signal(options.signal, timeout)
    const stream = this.outboundTo(peer)
    const attempt: SendAttempt = { writing: false }
    try {
      await stream.send(message, signal, attempt)
    } catch (err) {
      this.traffic.of(peer).sendFailures++
      if (err instanceof SendStalledError) this.traffic.of(peer).sendsStalled++
      // Nothing worth keeping for a peer we do not know to speak Bitswap and have no stream to.
      if (!this.peers.has(peer) && stream.idle) this.outbound.delete(peer)
      if (timeout.aborted && options.signal?.aborted !== true && !this.lifetime.signal.aborted) {
        const timedOut = new SendTimeoutError(peer, allowed)
        // Stuck while writing: the peer stopped reading, and what the stream still holds would arrive stale.
        // A send that timed out waiting its turn says nothing about the stream, which may be busy but moving.
        if (attempt.writing) stream.reset(timedOut)
        throw timedOut
      }
      throw err
    }
  }

  version (peer: PeerKey): ProtocolVersion | undefined {
    return this.peers.version(peer)
  }

  connectedPeers (): PeerKey[] {
    return this.peers.list()
  }

  /** The round trip libp2p's connection monitor last measured (its ping), over the fastest connection. */
  latency (peer: PeerKey): number | undefined {
    let best: number | undefined
    let peerId: PeerId
    try {
      peerId = peerIdFromString(peer)
    } catch {
      return undefined
    }
    for (const connection of this.host.getConnections(peerId)) {
      if (connection.rtt != null && (best == null || connection.rtt < best)) best = connection.rtt
    }
    return best
  }

  stats (peer: PeerKey): Libp2pLinkStats | undefined {
    return this.traffic.snapshot(peer)
  }

  /**
   * Local when a connection to the peer runs over a loopback or private address, as boxo's broadcast control
   * tells local peers; peering is not known here, so no peer counts as peered.
   */
  standing (peer: PeerKey): PeerStanding {
    let peerId: PeerId
    try {
      peerId = peerIdFromString(peer)
    } catch {
      return {}
    }
    return { local: this.host.getConnections(peerId).some(connection => connection.remoteAddr.getComponents().some(c => (c.name === 'ip4' || c.name === 'ip6') && c.value != null && isLocalAddress(c.value))) }
  }

  /** Every peer's counters added up. */
  totals (): Libp2pLinkStats {
    return this.traffic.total()
  }

  /** What the network holds for peers right now: for checking that nothing is left for a peer that has gone. */
  holdings (): { inboundStreams: number, peersReading: number, outboundStreams: number, queuedMessages: number, queuedBytes: number, intakes: number } {
    let queuedMessages = 0
    for (const intake of this.intakes.values()) queuedMessages += intake.queued
    return {
      inboundStreams: this.inbound.size,
      peersReading: this.inboundCount.size,
      outboundStreams: this.outbound.size,
      queuedMessages,
      queuedBytes: this.budget.queued,
      intakes: this.intakes.size
    }
  }

  private readonly onStream = (stream: Stream, connection: Connection): void => {
    const handler = this.handler
    if (handler == null) {
      stream.abort(new Error('Bitswap is not running'))
      return
    }
    const peer = connection.remotePeer.toString()
    const stats = this.traffic.of(peer)
    const open = this.inboundCount.get(peer) ?? 0
    if (open >= this.settings.maxInboundStreamsPerPeer) {
      stats.streamsRefused++
      stream.abort(new Error(`More than ${this.settings.maxInboundStreamsPerPeer} inbound streams from one peer`))
      return
    }
    this.inboundCount.set(peer, open + 1)
    stats.streamsAccepted++
    // A peer that opens a Bitswap stream speaks Bitswap, even if identify has not told us yet.
    this.peers.up(peer, streamVersion(stream))
    // We answer on our own outbound stream, never on this one: close our side so it ends when theirs does.
    stream.close().catch(() => {})
    this.inbound.add(stream)
    const reading = readInbound(stream, {
      maxMessageSize: this.settings.maxIncomingMessageSize,
      intake: this.intakeOf(peer),
      readDeadline: (declared) => readTimeoutFor(declared, this.settings),
      paused: () => { stats.readsPaused++ },
      received: bytes => { this.handler?.onBytes?.(peer, bytes) },
      violation: (err) => {
        if (err instanceof ReadTimeoutError) stats.readTimeouts++
        stats.protocolErrors++
        log('reset a stream from %s: %s', peer, err.message)
        this.handler?.onProtocolError?.(peer, err)
      },
      log
    }).finally(() => {
      this.inbound.delete(stream)
      this.readers.delete(reading)
      const left = (this.inboundCount.get(peer) ?? 1) - 1
      if (left > 0) {
        this.inboundCount.set(peer, left)
      } else {
        this.inboundCount.delete(peer)
        // Messages it still has waiting are applied (or dropped by the node, if the peer has gone) all the same;
        // the queue goes once they are, so a stream opened meanwhile still queues behind them.
        if (this.intakes.get(peer)?.queued === 0) this.intakes.delete(peer)
      }
    })
    this.readers.add(reading)
  }

  /** The peer's queue of received messages, made with its first inbound stream. */
  private intakeOf (peer: PeerKey): PeerIntake {
    const existing = this.intakes.get(peer)
    if (existing != null) return existing
    const stats = this.traffic.of(peer)
    const created: PeerIntake = new PeerIntake({
      limit: this.settings.maxQueuedMessagesPerPeer,
      budget: this.budget,
      decode: bytes => decodeMessage(bytes, this.settings.decodeLimits),
      deliver: (message, bytes) => {
        stats.messagesReceived++
        stats.bytesReceived += bytes
        return this.handler?.onMessage(peer, message, bytes)
      },
      // Our own handler failed: the peer did nothing wrong, so its streams stay up.
      onError: err => { log.error('handler failed on a message from %s: %e', peer, err) },
      // The last stream has ended and nothing waits: the queue goes (a newer one of the peer stays).
      onIdle: () => {
        if (this.intakes.get(peer) === created && !this.inboundCount.has(peer)) this.intakes.delete(peer)
      }
    })
    this.intakes.set(peer, created)
    return created
  }

  private outboundTo (peer: PeerKey): OutboundStream {
    let stream = this.outbound.get(peer)
    if (stream == null) {
      const peerId = parsePeer(peer)
      stream = new OutboundStream({
        peer,
        open: async (signal) => this.openStream(peer, peerId, signal),
        // Blocks are written from where they lie: a server's large blocks are never copied into its messages.
        encode: (message, version) => encodeForPeerChunked(message, version, {
          targetSize: this.settings.maxOutgoingMessageSize,
          // What the peer accepts, by the spec; our own incoming limit says nothing about theirs.
          maxSize: DEFAULT_MAX_INCOMING_MESSAGE_SIZE
        }),
        stats: this.traffic.of(peer),
        maxIdle: this.settings.maxOutboundIdle,
        closeTimeout: this.settings.closeTimeout,
        stallTimeout: this.settings.sendTimeout,
        log
      })
      this.outbound.set(peer, stream)
    }
    return stream
  }

  /** A new stream over a connection that is already open: sending never dials, as on the simulated network. */
  private async openStream (peer: PeerKey, peerId: PeerId, signal: AbortSignal): Promise<Stream> {
    const connection = this.host.getConnections(peerId)
      .find(c => c.status === 'open' && c.limits == null)
    if (connection == null) throw new PeerUnreachableError(peer, 'not connected')
    let stream: Stream
    try {
      stream = await connection.newStream(this.settings.protocols, { signal })
    } catch (err) {
      if ((err as Error).name === 'UnsupportedProtocolError') {
        throw new ProtocolNotSupportedError(peer, this.settings.protocols, { cause: err })
      }
      throw err
    }
    // The stream's protocol is the authority on the version; identify's list may have been out of date.
    if (this.peers.has(peer)) this.peers.up(peer, streamVersion(stream))
    return stream
  }

  private signal (...signals: Array<AbortSignal | undefined>): AbortSignal {
    return AbortSignal.any([this.lifetime.signal, ...signals.filter((s): s is AbortSignal => s != null)])
  }

  private requireStarted (): void {
    if (this.handler == null) throw new NotStartedError('The libp2p network')
  }
}

/**
 * The libp2p network as the `network` plugin of `createBitswap`, on a `Libp2p` node (or any other `Libp2pHost`).
 * Limits not given in `init` come from the node's configuration (`maxIncomingMessageSize`,
 * `maxOutgoingMessageSize`, decode limits).
 */
export function libp2pNetwork (libp2p: Libp2pHost, init: Libp2pNetworkInit = {}): Plugin<Libp2pBitswapNetwork> {
  return factoryPlugin(`libp2p-network(${libp2p.peerId.toString()})`, components => new Libp2pBitswapNetwork(libp2p, init, components.config))
}
