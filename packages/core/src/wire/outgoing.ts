import { encodeMessageChunks } from './chunked.js'
import { encodeMessage, downgradeMessage } from './codec.js'
import { splitMessage, type SplitOptions } from './split.js'
import type { ProtocolVersion } from '../types.js'
import type { BitswapMessage } from './types.js'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * What every network does before writing: fit the message to the peer's version, split it under the size
 * target, and encode each part. Returns the protobuf bodies, without length prefixes.
 */
export function encodeForPeer (message: BitswapMessage, version: ProtocolVersion, options: Omit<SplitOptions, 'version'> = {}): Uint8Array[] {
  const fitted = downgradeMessage(message, version).message
  return splitMessage(fitted, { ...options, version }).map(part => encodeMessage(part, version))
}

/**
 * `encodeForPeer` for a network that writes chunk lists (a libp2p stream does): the same bytes, but each large
 * block is referenced in place instead of copied into its message.
 */
export function encodeForPeerChunked (message: BitswapMessage, version: ProtocolVersion, options: Omit<SplitOptions, 'version'> = {}): Uint8ArrayList[] {
  const fitted = downgradeMessage(message, version).message
  return splitMessage(fitted, { ...options, version }).map(part => encodeMessageChunks(part, version))
}
