import {
  BITSWAP_PROTOCOLS, DEFAULT_CONFIG, DEFAULT_DECODE_LIMITS, versionOf, type BitswapConfig, type DecodeLimits
} from '@swapwright/core'
import {
  DEFAULT_CLOSE_TIMEOUT, DEFAULT_MAX_INBOUND_STREAMS, DEFAULT_MAX_OUTBOUND_IDLE, DEFAULT_MAX_OUTBOUND_STREAMS,
  DEFAULT_MAX_SEND_TIMEOUT, DEFAULT_MIN_SEND_RATE, DEFAULT_SEND_TIMEOUT, SEND_LATENCY_ALLOWANCE,
  DEFAULT_READ_TIMEOUT, DEFAULT_MIN_READ_RATE, DEFAULT_MAX_READ_TIMEOUT, DEFAULT_MAX_INBOUND_STREAMS_PER_PEER
} from './constants.js'

export interface Libp2pNetworkInit {
  /**
   * The Bitswap protocols to handle and offer, newest first (default all four, as Go does). Give fewer to act
   * as an older peer, e.g. `['/ipfs/bitswap/1.1.0']`.
   */
  protocols?: readonly string[]
  /**
   * The least time in ms a send gets before it gives up and the peer's stream is reset (default
   * `DEFAULT_SEND_TIMEOUT`, 10 s). A large message gets 2 s plus its size at `minSendRate`, up to `maxSendTimeout`.
   */
  sendTimeout?: number
  /** The slowest link sends are given time for, in bytes per second (default `DEFAULT_MIN_SEND_RATE`, 12,500). */
  minSendRate?: number
  /** The most time in ms any send gets (default `DEFAULT_MAX_SEND_TIMEOUT`, 2 min). */
  maxSendTimeout?: number
  /** Inbound Bitswap streams per connection (default 1024). */
  maxInboundStreams?: number
  /** Inbound Bitswap streams one peer may hold open over all its connections; more are reset (default 128). */
  maxInboundStreamsPerPeer?: number
  /**
   * The least time in ms a message that has started arriving gets to finish before its stream is reset (default
   * `DEFAULT_READ_TIMEOUT`, 10 s). A large one gets 2 s plus its declared length at `minReadRate`, up to
   * `maxReadTimeout`.
   */
  readTimeout?: number
  /** The slowest sender a message is given time for, in bytes per second (default 12,500). */
  minReadRate?: number
  /** The most time in ms any one message gets to arrive (default 2 min). */
  maxReadTimeout?: number
  /**
   * Received messages of one peer waiting to be applied before its streams are paused (default: the node's
   * `maxQueuedMessagesPerPeer`, 4).
   */
  maxQueuedMessagesPerPeer?: number
  /**
   * Bytes of received messages waiting to be applied over all peers; past it a peer that already has one waiting
   * is not read until the total drops (default: the node's `maxQueuedMessageBytes`, 32 MiB).
   */
  maxQueuedMessageBytes?: number
  /** Outbound Bitswap streams per connection (default 64). */
  maxOutboundStreams?: number
  /** Ms an outbound stream gets to flush on stop before it is reset (default 2000). */
  closeTimeout?: number
  /** Largest incoming message by its length prefix (default: the node's `maxIncomingMessageSize`, 4 MiB). */
  maxIncomingMessageSize?: number
  /** Outgoing messages are split under this size (default: the node's `maxOutgoingMessageSize`, 2 MiB). */
  maxOutgoingMessageSize?: number
  /** Per-message decode limits (default: the node's). */
  decodeLimits?: DecodeLimits
  /**
   * Ms an outbound stream may sit unused before the next send replaces it with a fresh one (default
   * `DEFAULT_MAX_OUTBOUND_IDLE`, 8 s), ahead of peers that reset streams quiet for 10 s.
   */
  maxOutboundIdle?: number
}

export interface Settings {
  protocols: string[]
  sendTimeout: number
  minSendRate: number
  maxSendTimeout: number
  maxInboundStreams: number
  maxInboundStreamsPerPeer: number
  readTimeout: number
  minReadRate: number
  maxReadTimeout: number
  maxQueuedMessagesPerPeer: number
  maxQueuedMessageBytes: number
  maxOutboundStreams: number
  closeTimeout: number
  maxIncomingMessageSize: number
  maxOutgoingMessageSize: number
  decodeLimits: DecodeLimits
  maxOutboundIdle: number
}

/** The init options, filled from the node's configuration and then the defaults, and checked. */
export function settle (init: Libp2pNetworkInit, config?: Readonly<BitswapConfig>): Settings {
  const protocols = [...(init.protocols ?? BITSWAP_PROTOCOLS)]
  if (protocols.length === 0) throw new RangeError('Option "protocols" needs at least one Bitswap protocol')
  for (const protocol of protocols) {
    if (versionOf(protocol) == null) throw new RangeError(`Option "protocols": "${protocol}" is not a Bitswap protocol`)
  }
  const sendTimeout = positive(init.sendTimeout ?? DEFAULT_SEND_TIMEOUT, 'sendTimeout')
  const maxSendTimeout = positive(init.maxSendTimeout ?? Math.max(DEFAULT_MAX_SEND_TIMEOUT, sendTimeout), 'maxSendTimeout')
  if (maxSendTimeout < sendTimeout) {
    throw new RangeError(`Option "maxSendTimeout" (${maxSendTimeout}) is below "sendTimeout" (${sendTimeout})`)
  }
  const readTimeout = positive(init.readTimeout ?? DEFAULT_READ_TIMEOUT, 'readTimeout')
  const maxReadTimeout = positive(init.maxReadTimeout ?? Math.max(DEFAULT_MAX_READ_TIMEOUT, readTimeout), 'maxReadTimeout')
  if (maxReadTimeout < readTimeout) {
    throw new RangeError(`Option "maxReadTimeout" (${maxReadTimeout}) is below "readTimeout" (${readTimeout})`)
  }
  const limits = config ?? DEFAULT_CONFIG
  return {
    protocols,
    sendTimeout,
    minSendRate: positive(init.minSendRate ?? DEFAULT_MIN_SEND_RATE, 'minSendRate'),
    maxSendTimeout,
    maxInboundStreams: positive(init.maxInboundStreams ?? DEFAULT_MAX_INBOUND_STREAMS, 'maxInboundStreams'),
    maxInboundStreamsPerPeer: positive(init.maxInboundStreamsPerPeer ?? DEFAULT_MAX_INBOUND_STREAMS_PER_PEER, 'maxInboundStreamsPerPeer'),
    readTimeout,
    minReadRate: positive(init.minReadRate ?? DEFAULT_MIN_READ_RATE, 'minReadRate'),
    maxReadTimeout,
    maxQueuedMessagesPerPeer: positive(init.maxQueuedMessagesPerPeer ?? limits.maxQueuedMessagesPerPeer, 'maxQueuedMessagesPerPeer'),
    maxQueuedMessageBytes: positive(init.maxQueuedMessageBytes ?? limits.maxQueuedMessageBytes, 'maxQueuedMessageBytes'),
    maxOutboundStreams: init.maxOutboundStreams ?? DEFAULT_MAX_OUTBOUND_STREAMS,
    closeTimeout: init.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT,
    maxOutboundIdle: positive(init.maxOutboundIdle ?? DEFAULT_MAX_OUTBOUND_IDLE, 'maxOutboundIdle'),
    maxIncomingMessageSize: init.maxIncomingMessageSize ?? limits.maxIncomingMessageSize,
    maxOutgoingMessageSize: init.maxOutgoingMessageSize ?? limits.maxOutgoingMessageSize,
    decodeLimits: init.decodeLimits ?? (config == null
      ? DEFAULT_DECODE_LIMITS
      : {
          maxWantlistEntries: config.maxWantlistEntriesPerMessage,
          maxBlocks: config.maxBlocksPerMessage,
          maxPresences: config.maxPresencesPerMessage,
          // No more of one message's wants can be kept: the rest are not decoded into CIDs.
          maxWantsKept: config.maxWantsPerPeer
        })
  }
}

/** How long a send of `bytes` may take, in ms: the latency allowance plus the bytes at the minimum rate, clamped. */
export function sendTimeoutFor (bytes: number, settings: Pick<Settings, 'sendTimeout' | 'minSendRate' | 'maxSendTimeout'>): number {
  const needed = SEND_LATENCY_ALLOWANCE + bytes * 1000 / settings.minSendRate
  return Math.min(settings.maxSendTimeout, Math.max(settings.sendTimeout, Math.ceil(needed)))
}

/** How long a message of `declared` bytes (undefined: its prefix is unfinished) may take to arrive, in ms. */
export function readTimeoutFor (declared: number | undefined, settings: Pick<Settings, 'readTimeout' | 'minReadRate' | 'maxReadTimeout'>): number {
  const needed = SEND_LATENCY_ALLOWANCE + (declared ?? 0) * 1000 / settings.minReadRate
  return Math.min(settings.maxReadTimeout, Math.max(settings.readTimeout, Math.ceil(needed)))
}

function positive (value: number, name: string): number {
  if (!(value > 0)) throw new RangeError(`Option "${name}" must be a positive number, got ${value}`)
  return value
}
