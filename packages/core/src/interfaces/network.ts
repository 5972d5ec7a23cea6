import type { ProviderRecord } from './provider-finder.js'
import type { AbortOptions, PeerKey, ProtocolVersion } from '../types.js'
import type { BitswapMessage, DecodedMessage } from '../wire/types.js'

/** What a network reports to the node it serves. */
export interface NetworkHandler {
  /**
   * A whole, decoded message from `peer`; `bytes` is its size on the wire. May return a promise that settles once
   * the message has been applied: a network that can should stop reading a peer that has `maxQueuedMessagesPerPeer`
   * of these unsettled, so a peer that sends faster than we apply is pushed back instead of queued without bound.
   */
  onMessage(peer: PeerKey, message: DecodedMessage, bytes: number): void | Promise<void>
  /** A peer that speaks Bitswap is connected, at the version both sides share. */
  onPeerConnected(peer: PeerKey, version: ProtocolVersion): void
  onPeerDisconnected(peer: PeerKey): void
  /**
   * Bytes arrived from `peer`, before any whole message: a large message takes many reads, and each is a sign
   * that the peer is alive and sending. Optional; a network that cannot tell leaves it out.
   */
  onBytes?(peer: PeerKey, bytes: number): void
  /** A peer sent something we could not accept; its stream was dropped, the peer's other traffic goes on. */
  onProtocolError?(peer: PeerKey, error: Error): void
}

/** Per-peer traffic a network has counted. */
export interface LinkStats {
  messagesSent: number
  bytesSent: number
  messagesReceived: number
  bytesReceived: number
}

/** How messages reach peers: libp2p streams, or the simulated network. */
export interface BitswapNetwork {
  readonly name: string
  /** This node's own peer. */
  readonly self: PeerKey
  /** Starts delivering events to `handler`. */
  start(handler: NetworkHandler): Promise<void>
  stop(): Promise<void>
  /**
   * Encodes `message` for the peer's protocol version and sends it. Resolves once the bytes are handed to the
   * transport; rejects when the peer is unreachable, the send times out, or the signal aborts.
   */
  send(peer: PeerKey, message: BitswapMessage, options?: AbortOptions): Promise<void>
  /** Connects to a peer (by key, or by a provider record's addresses) and returns the version negotiated. */
  connect(peer: PeerKey | ProviderRecord, options?: AbortOptions): Promise<ProtocolVersion>
  disconnect(peer: PeerKey): Promise<void>
  /** The version negotiated with a connected peer, or undefined. */
  version(peer: PeerKey): ProtocolVersion | undefined
  connectedPeers(): PeerKey[]
  /** Round-trip latency to the peer in ms, when the network measured it. */
  latency(peer: PeerKey): number | undefined
  stats(peer: PeerKey): LinkStats | undefined
  /**
   * Optional: what the network knows of a connected peer's standing, for broadcast policies (boxo's rule always
   * asks local and peered peers). Without it, no peer counts as local or peered.
   */
  standing?(peer: PeerKey): PeerStanding
}

/** A connected peer's standing, as the network sees it. */
export interface PeerStanding {
  /** Reached on a loopback or private address. */
  local?: boolean
  /** Kept connected on purpose (configured peering). */
  peered?: boolean
}
