/**
 * The least time a send gets, in ms: waiting behind earlier sends to the same peer, opening the stream, and
 * waiting for a peer that does not read. Larger messages get more (see `DEFAULT_MIN_SEND_RATE`). Go allows a
 * reply at least 10 s before it resets the stream.
 */
export const DEFAULT_SEND_TIMEOUT = 10_000

/**
 * The slowest link a send is given time for, in bytes per second (100 kbit/s, as Go): a message gets
 * `SEND_LATENCY_ALLOWANCE` plus its size at this rate, at least `sendTimeout` and at most `maxSendTimeout`.
 * A 2 MiB message then has 2 minutes instead of being cut off after 10 s on a slow link.
 */
export const DEFAULT_MIN_SEND_RATE = 12_500

/** The most time any send gets, in ms, however large the message. */
export const DEFAULT_MAX_SEND_TIMEOUT = 120_000

/** Ms a send is allowed for the round trip and the peer's scheduling, on top of the bytes at the minimum rate. */
export const SEND_LATENCY_ALLOWANCE = 2_000

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

/**
 * The least time in ms a message that has started arriving gets to finish. A larger one gets `SEND_LATENCY_ALLOWANCE`
 * plus its declared length at `DEFAULT_MIN_READ_RATE`, up to `DEFAULT_MAX_READ_TIMEOUT`; past it the stream is
 * reset, so a peer cannot pin a half-sent message (or trickle one a byte a second) for ever.
 */
export const DEFAULT_READ_TIMEOUT = 10_000

/** The slowest sender a message is given time for, in bytes per second (100 kbit/s, as for sends). */
export const DEFAULT_MIN_READ_RATE = 12_500

/** The most time in ms any one message gets to arrive, however large. */
export const DEFAULT_MAX_READ_TIMEOUT = 120_000

/**
 * Inbound Bitswap streams one peer may hold open at once, over all its connections; more are refused (reset) on
 * arrival, losing what they carry. A Go peer (Kubo) opens a stream per reply and closes it once written, but a
 * stream counts as open here until we have read it to its end: a burst of small blocks from one honest Kubo seed
 * left 177 streams open at once (3 MiB in 16 KiB blocks), and at a cap of 128 the refused replies stalled the
 * fetch. So the cap matches libp2p's own per-connection limit of the protocol handler (`maxInboundStreams`);
 * an idle or slow stream still costs only the bytes it sent, and the read deadline ends it.
 */
export const DEFAULT_MAX_INBOUND_STREAMS_PER_PEER = 1024
