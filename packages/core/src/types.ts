/**
 * A peer, named by its peer ID in string form. Core keys every per-peer structure by this string so that
 * transports are free to use libp2p `PeerId` objects, and the simulator plain names.
 */
export type PeerKey = string

/** The Bitswap protocol versions Swapwright speaks, newest first in preference. */
export type ProtocolVersion = '1.2.0' | '1.1.0' | '1.0.0'

/** Options accepted by every operation that can be cancelled. */
export interface AbortOptions {
  signal?: AbortSignal
}
