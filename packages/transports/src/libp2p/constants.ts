/**
 * A send gives up after this many ms: waiting behind earlier sends to the same peer, opening the stream, and
 * waiting for a peer that does not read. Go allows a reply at least 10 s before it resets the stream.
 */
export const DEFAULT_SEND_TIMEOUT = 10_000

/**
 * Inbound Bitswap streams one connection may hold open at once. Go servers open a fresh stream for every reply
 * and close it asynchronously, so a busy Go peer can have many open briefly; this bounds what it can pin.
 */
export const DEFAULT_MAX_INBOUND_STREAMS = 1024

/**
 * Outbound Bitswap streams per connection. We keep one per peer and replace it when it dies, so a handful is
 * enough; the bound only matters if something else on the node opens Bitswap streams too.
 */
export const DEFAULT_MAX_OUTBOUND_STREAMS = 64

/** On stop, an outbound stream gets this long to flush what is queued before it is reset instead. */
export const DEFAULT_CLOSE_TIMEOUT = 2_000

/**
 * An outbound stream unused this long is replaced before the next send. Peers commonly reset a stream after
 * 10 s without a message; a message written just as that happens is lost without an error, so ours are
 * retired first, with room for a slow link.
 */
export const DEFAULT_MAX_OUTBOUND_IDLE = 8_000
