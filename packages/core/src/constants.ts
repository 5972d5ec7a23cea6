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
