import {
  DEFAULT_CLOSE_TIMEOUT, DEFAULT_MAX_INBOUND_STREAMS, DEFAULT_MAX_INBOUND_STREAMS_PER_PEER, DEFAULT_MAX_READ_TIMEOUT,
  DEFAULT_MAX_SEND_TIMEOUT, DEFAULT_MIN_READ_RATE, DEFAULT_MIN_SEND_RATE, DEFAULT_READ_TIMEOUT, DEFAULT_SEND_TIMEOUT
} from './constants.js'
import { settle, type Libp2pNetworkInit } from './settings.js'
import type { BitswapConfig } from '@swapwright/core'

/** One limit of the libp2p network: its option, its default, and what it bounds (and the link counter). */
export interface NetworkLimit {
  option: keyof Libp2pNetworkInit
  default: number
  bounds: string
}

/** The libp2p network's limits against hostile peers, with their defaults: the table docs and help show. */
export const NETWORK_LIMITS: readonly NetworkLimit[] = [
  { option: 'sendTimeout', default: DEFAULT_SEND_TIMEOUT, bounds: 'ms a write may make no progress before the stream is reset (sendsStalled); least time of a send' },
  { option: 'minSendRate', default: DEFAULT_MIN_SEND_RATE, bounds: 'bytes/s a large send is given time for' },
  { option: 'maxSendTimeout', default: DEFAULT_MAX_SEND_TIMEOUT, bounds: 'most ms any send gets' },
  { option: 'readTimeout', default: DEFAULT_READ_TIMEOUT, bounds: 'least ms a started message gets to finish (readTimeouts)' },
  { option: 'minReadRate', default: DEFAULT_MIN_READ_RATE, bounds: 'bytes/s a large message is given time for' },
  { option: 'maxReadTimeout', default: DEFAULT_MAX_READ_TIMEOUT, bounds: 'most ms any message gets to arrive' },
  { option: 'maxInboundStreamsPerPeer', default: DEFAULT_MAX_INBOUND_STREAMS_PER_PEER, bounds: 'inbound streams one peer holds open (streamsRefused)' },
  { option: 'maxInboundStreams', default: DEFAULT_MAX_INBOUND_STREAMS, bounds: 'inbound streams per connection' },
  { option: 'closeTimeout', default: DEFAULT_CLOSE_TIMEOUT, bounds: 'ms a stream gets to flush on stop' }
]

/**
 * Throws the RangeError the network would throw at construction for `init` (with the node's `config`), naming
 * the option: for checking an operator's settings before anything starts.
 */
export function checkNetworkLimits (init: Libp2pNetworkInit, config?: Readonly<BitswapConfig>): void {
  settle(init, config)
}
