import {
  DEFAULT_BLOCK_SIZE_CACHE_ENTRIES, DEFAULT_BLOCKSTORE_CONCURRENCY, DEFAULT_MAX_BLOCKS_PER_MESSAGE,
  DEFAULT_MAX_INCOMING_MESSAGE_SIZE, DEFAULT_MAX_OUTGOING_MESSAGE_SIZE, DEFAULT_MAX_OUTSTANDING_BYTES_PER_PEER,
  DEFAULT_MAX_PRESENCES_PER_MESSAGE, DEFAULT_MAX_WANTLIST_ENTRIES_PER_MESSAGE, DEFAULT_MAX_WANTS_PER_PEER,
  DEFAULT_TARGET_MESSAGE_SIZE, DEFAULT_TASK_WORKER_COUNT
} from './constants.js'

/** Limits and timings of one node. Every field has a documented default (see constants.ts). */
export interface BitswapConfig {
  /** Largest incoming message, by its length prefix (default 4 MiB). */
  maxIncomingMessageSize: number
  /** Target size when splitting outgoing messages (default 2 MiB). */
  maxOutgoingMessageSize: number
  /** Decode limits per incoming message. */
  maxWantlistEntriesPerMessage: number
  maxBlocksPerMessage: number
  maxPresencesPerMessage: number
  /** Server: wants kept per peer (default 1024). */
  maxWantsPerPeer: number
  /** Server: bytes of work each reply is filled to (default 16 KiB). */
  targetMessageSize: number
  /** Server: bytes popped for one peer and not yet sent (default 1 MiB). */
  maxOutstandingBytesPerPeer: number
  /** Server: workers building and sending replies (default 8). */
  taskWorkerCount: number
  /** Server: concurrent blockstore reads (default 32). */
  blockstoreConcurrency: number
  /** Server: block sizes remembered (default 65,536). */
  blockSizeCacheEntries: number
}

export const DEFAULT_CONFIG: Readonly<BitswapConfig> = Object.freeze({
  maxIncomingMessageSize: DEFAULT_MAX_INCOMING_MESSAGE_SIZE,
  maxOutgoingMessageSize: DEFAULT_MAX_OUTGOING_MESSAGE_SIZE,
  maxWantlistEntriesPerMessage: DEFAULT_MAX_WANTLIST_ENTRIES_PER_MESSAGE,
  maxBlocksPerMessage: DEFAULT_MAX_BLOCKS_PER_MESSAGE,
  maxPresencesPerMessage: DEFAULT_MAX_PRESENCES_PER_MESSAGE,
  maxWantsPerPeer: DEFAULT_MAX_WANTS_PER_PEER,
  targetMessageSize: DEFAULT_TARGET_MESSAGE_SIZE,
  maxOutstandingBytesPerPeer: DEFAULT_MAX_OUTSTANDING_BYTES_PER_PEER,
  taskWorkerCount: DEFAULT_TASK_WORKER_COUNT,
  blockstoreConcurrency: DEFAULT_BLOCKSTORE_CONCURRENCY,
  blockSizeCacheEntries: DEFAULT_BLOCK_SIZE_CACHE_ENTRIES
})

/** Fills unset fields with defaults and rejects values that cannot work. */
export function resolveConfig (options: Partial<BitswapConfig> = {}): BitswapConfig {
  const config: BitswapConfig = { ...DEFAULT_CONFIG }
  for (const key of Object.keys(DEFAULT_CONFIG) as Array<keyof BitswapConfig>) {
    if (options[key] !== undefined) config[key] = options[key]
  }
  for (const [key, value] of Object.entries(config)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`Option "${key}" must be a positive integer, got ${String(value)}`)
    }
  }
  if (config.maxOutgoingMessageSize > config.maxIncomingMessageSize) {
    throw new RangeError('Option "maxOutgoingMessageSize" cannot exceed "maxIncomingMessageSize"')
  }
  return config
}
