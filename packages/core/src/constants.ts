/** Largest message we accept from a peer, as its length prefix declares it. The spec's ceiling. */
export const DEFAULT_MAX_INCOMING_MESSAGE_SIZE = 4 * 1024 * 1024

/** Size we aim for when we split outgoing messages; a single larger block still goes, alone. */
export const DEFAULT_MAX_OUTGOING_MESSAGE_SIZE = 2 * 1024 * 1024

/** Largest wantlist entries one incoming message may carry before it is rejected whole. */
export const DEFAULT_MAX_WANTLIST_ENTRIES_PER_MESSAGE = 8192

/** Largest number of blocks (raw and payload together) one incoming message may carry. */
export const DEFAULT_MAX_BLOCKS_PER_MESSAGE = 4096

/** Largest number of block presences one incoming message may carry. */
export const DEFAULT_MAX_PRESENCES_PER_MESSAGE = 8192

/**
 * Longest CID we accept in a want or presence: four 10-byte varints (version, codec, hash code, length) and a
 * 128-byte digest.
 */
export const MAX_CID_BYTES = 168

/** Longest block the spec requires every implementation to exchange. */
export const MAX_BLOCK_SIZE = 2 * 1024 * 1024

/** Wants kept per peer on the server (ledger and queued tasks); overflow is evicted by the DecisionStrategy. */
export const DEFAULT_MAX_WANTS_PER_PEER = 1024

/** The server fills each reply to at least this many bytes of work when the peer's queue has it. */
export const DEFAULT_TARGET_MESSAGE_SIZE = 16 * 1024

/** Bytes popped for a peer and not yet sent; past it the peer waits, so one peer cannot hog the workers. */
export const DEFAULT_MAX_OUTSTANDING_BYTES_PER_PEER = 1024 * 1024

/** Workers that turn popped tasks into messages and send them. */
export const DEFAULT_TASK_WORKER_COUNT = 8

/**
 * Concurrent blockstore reads on the server. Lower than a Go server's 128 goroutines: each read holds a whole
 * block (up to 2 MiB) in memory, so this bounds what reads can pin at once (32 x 2 MiB = 64 MiB).
 */
export const DEFAULT_BLOCKSTORE_CONCURRENCY = 32

/** Block sizes remembered by the server (sizes of content-addressed blocks never change). */
export const DEFAULT_BLOCK_SIZE_CACHE_ENTRIES = 65_536
