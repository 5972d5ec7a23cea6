import {
  DEFAULT_BLOCK_SIZE_CACHE_ENTRIES, DEFAULT_BLOCKSTORE_CONCURRENCY, DEFAULT_SHARED_BLOCK_BYTES, DEFAULT_MAX_BLOCKS_PER_MESSAGE,
  DEFAULT_MAX_INCOMING_MESSAGE_SIZE, DEFAULT_MAX_OUTGOING_MESSAGE_SIZE, DEFAULT_MAX_OUTSTANDING_BYTES_PER_PEER,
  DEFAULT_MAX_PRESENCES_PER_MESSAGE, DEFAULT_MAX_WANTLIST_ENTRIES_PER_MESSAGE, DEFAULT_MAX_WANTS_PER_PEER,
  DEFAULT_TARGET_MESSAGE_SIZE, DEFAULT_TASK_WORKER_COUNT, DEFAULT_REBROADCAST_INTERVAL, DEFAULT_MAX_SEND_ATTEMPTS,
  DEFAULT_SEND_RETRY_DELAY, DEFAULT_PROVIDER_SEARCH_DELAY, DEFAULT_PERIODIC_SEARCH_DELAY,
  DEFAULT_BROADCAST_LIVE_WANTS_LIMIT, DEFAULT_SESSION_RECEIVED_MEMORY, DEFAULT_PEER_DONT_HAVE_LIMIT,
  DEFAULT_DONT_HAVE_RETRY_DELAY,
  DEFAULT_SESSION_REDIALS,
  DEFAULT_MAX_WANTS_IN_FLIGHT_PER_PEER,
  DEFAULT_MAX_BATCH_WANTS,
  DEFAULT_MAX_BATCH_BYTES,
  DEFAULT_PROVIDER_QUERY_CONCURRENCY, DEFAULT_PROVIDER_QUERY_TIMEOUT, DEFAULT_MAX_PROVIDERS_PER_QUERY,
  DEFAULT_PROVIDER_DIAL_CONCURRENCY, DEFAULT_MAX_WANTLIST_ENTRIES, DEFAULT_MAX_QUEUED_MESSAGES_PER_PEER,
  DEFAULT_MAX_QUEUED_MESSAGE_BYTES,
  DEFAULT_MAX_BYTES_PER_SECOND_PER_PEER, DEFAULT_MAX_BLOCKS_PER_SECOND_PER_PEER, DEFAULT_MIN_BLOCK_RESEND_INTERVAL
} from './constants.js'

/** Limits and timings of one node. Every field has a documented default (see constants.ts). */
export interface BitswapConfig {
  /** Announce blocks the node receives or is told about through the ProviderFinder (default true). */
  announceBlocks: boolean
  /** Server: answer DONT_HAVE to peers that ask for it (default true; off behaves like older servers). */
  sendDontHaves: boolean
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
  /** Server: wants kept over all peers; the peer holding the most gives way (default 131,072). */
  maxWantlistEntries: number
  /** Received messages of one peer waiting to be applied before its streams stop being read (default 4). */
  maxQueuedMessagesPerPeer: number
  /**
   * Bytes of received messages waiting to be applied over all peers; past it a peer with one waiting is not read
   * (default 16 MiB).
   */
  maxQueuedMessageBytes: number
  /** Server: bytes of work each reply is filled to (default 64 KiB; Go's is 16 KiB). */
  targetMessageSize: number
  /** Server: bytes popped for one peer and not yet sent (default 1 MiB). */
  maxOutstandingBytesPerPeer: number
  /** Server: bytes of replies a second to one peer; 0 is no limit (default 0). */
  maxBytesPerSecondPerPeer: number
  /** Server: blocks a second to one peer; 0 is no limit (default 0). */
  maxBlocksPerSecondPerPeer: number
  /** Server: ms before the same block goes to the same peer again; 0 is no limit (default 0). */
  minBlockResendInterval: number
  /** Server: workers building and sending replies (default 8). */
  taskWorkerCount: number
  /** Server: concurrent blockstore reads (default 32). */
  blockstoreConcurrency: number
  /** Server: block sizes remembered (default 65,536). */
  blockSizeCacheEntries: number
  /** Server: bytes of blocks kept after a read for other peers that want them too; 0 keeps none (default 16 MiB). */
  sharedBlockBytes: number
  /** Client: unanswered wants are sent again after this many ms in which the peer sent nothing (default 30 000). */
  rebroadcastInterval: number
  /** Client: attempts per outgoing message (default 3). */
  maxSendAttempts: number
  /** Client: ms before the first retry, doubling after each (default 100). */
  sendRetryDelay: number
  /** Client: ms before a session's first idle tick (default 1000). */
  providerSearchDelay: number
  /** Client: ms between a session's searches for a random live want (default 60 000). */
  periodicSearchDelay: number
  /** Client: wants broadcast at once (default 64). */
  broadcastLiveWantsLimit: number
  /** Client: received CIDs the node remembers, with the sessions that took them, to count duplicates (default 65,536). */
  sessionReceivedMemory: number
  /** Client: consecutive DONT_HAVEs before a peer leaves a session (default 16). */
  peerDontHaveLimit: number
  /**
   * Client: ms before a want that every session peer refused is asked of them again, doubling with each retry
   * up to the rebroadcast interval (default 1000): a peer may get the block later and not say so.
   */
  dontHaveRetryDelay: number
  /**
   * Client: times a session dials a peer again after it disconnected, while the session has no other peer; 0
   * dials none (default 2). When these fail and no provider search finds another peer, the session's wants fail
   * with `PeersLostError`.
   */
  sessionRedials: number
  /** Client: wants one peer holds from us at once, counting blocks it sent that are not yet stored; more wait (default 1024). */
  maxWantsInFlightPerPeer: number
  /**
   * Client: wants one `getBlocks` call registers at once; its other CIDs are wanted one per block the caller
   * takes (default 4096). Bounds a session's memory for a large batch, and lets a slow caller hold back the network.
   */
  maxBatchWants: number
  /**
   * Client: bytes of blocks one `getBlocks` call may have wanted and not yet taken, each want reckoned at the mean
   * size of the blocks taken so far (before the first, at `MAX_BLOCK_SIZE`) (default 256 MiB). Bounds what a batch
   * of big blocks holds in memory, on its way, waiting for the store or for the caller.
   */
  maxBatchBytes: number
  /** Client: provider lookups running at once, the rest wait in order (default 8). */
  providerQueryConcurrency: number
  /** Client: ms before a provider lookup gives up (default 10 000). */
  providerQueryTimeout: number
  /** Client: providers a lookup stops at (default 10). */
  maxProvidersPerQuery: number
  /** Client: dials to found providers in flight at once, over all lookups (default 16). */
  providerDialConcurrency: number
}

export const DEFAULT_CONFIG: Readonly<BitswapConfig> = Object.freeze({
  announceBlocks: true,
  sendDontHaves: true,
  maxIncomingMessageSize: DEFAULT_MAX_INCOMING_MESSAGE_SIZE,
  maxOutgoingMessageSize: DEFAULT_MAX_OUTGOING_MESSAGE_SIZE,
  maxWantlistEntriesPerMessage: DEFAULT_MAX_WANTLIST_ENTRIES_PER_MESSAGE,
  maxBlocksPerMessage: DEFAULT_MAX_BLOCKS_PER_MESSAGE,
  maxPresencesPerMessage: DEFAULT_MAX_PRESENCES_PER_MESSAGE,
  maxWantsPerPeer: DEFAULT_MAX_WANTS_PER_PEER,
  maxWantlistEntries: DEFAULT_MAX_WANTLIST_ENTRIES,
  maxQueuedMessagesPerPeer: DEFAULT_MAX_QUEUED_MESSAGES_PER_PEER,
  maxQueuedMessageBytes: DEFAULT_MAX_QUEUED_MESSAGE_BYTES,
  targetMessageSize: DEFAULT_TARGET_MESSAGE_SIZE,
  maxOutstandingBytesPerPeer: DEFAULT_MAX_OUTSTANDING_BYTES_PER_PEER,
  maxBytesPerSecondPerPeer: DEFAULT_MAX_BYTES_PER_SECOND_PER_PEER,
  maxBlocksPerSecondPerPeer: DEFAULT_MAX_BLOCKS_PER_SECOND_PER_PEER,
  minBlockResendInterval: DEFAULT_MIN_BLOCK_RESEND_INTERVAL,
  taskWorkerCount: DEFAULT_TASK_WORKER_COUNT,
  blockstoreConcurrency: DEFAULT_BLOCKSTORE_CONCURRENCY,
  blockSizeCacheEntries: DEFAULT_BLOCK_SIZE_CACHE_ENTRIES,
  sharedBlockBytes: DEFAULT_SHARED_BLOCK_BYTES,
  rebroadcastInterval: DEFAULT_REBROADCAST_INTERVAL,
  maxSendAttempts: DEFAULT_MAX_SEND_ATTEMPTS,
  sendRetryDelay: DEFAULT_SEND_RETRY_DELAY,
  providerSearchDelay: DEFAULT_PROVIDER_SEARCH_DELAY,
  periodicSearchDelay: DEFAULT_PERIODIC_SEARCH_DELAY,
  broadcastLiveWantsLimit: DEFAULT_BROADCAST_LIVE_WANTS_LIMIT,
  sessionReceivedMemory: DEFAULT_SESSION_RECEIVED_MEMORY,
  peerDontHaveLimit: DEFAULT_PEER_DONT_HAVE_LIMIT,
  dontHaveRetryDelay: DEFAULT_DONT_HAVE_RETRY_DELAY,
  sessionRedials: DEFAULT_SESSION_REDIALS,
  maxWantsInFlightPerPeer: DEFAULT_MAX_WANTS_IN_FLIGHT_PER_PEER,
  maxBatchWants: DEFAULT_MAX_BATCH_WANTS,
  maxBatchBytes: DEFAULT_MAX_BATCH_BYTES,
  providerQueryConcurrency: DEFAULT_PROVIDER_QUERY_CONCURRENCY,
  providerQueryTimeout: DEFAULT_PROVIDER_QUERY_TIMEOUT,
  maxProvidersPerQuery: DEFAULT_MAX_PROVIDERS_PER_QUERY,
  providerDialConcurrency: DEFAULT_PROVIDER_DIAL_CONCURRENCY
})

/** Limits where 0 means "no limit" rather than a value that cannot work. */
const ZERO_IS_OFF: ReadonlySet<string> = new Set(['maxBytesPerSecondPerPeer', 'maxBlocksPerSecondPerPeer', 'minBlockResendInterval', 'sharedBlockBytes', 'sessionRedials'])

/** Fills unset fields with defaults and rejects values that cannot work. */
export function resolveConfig (options: Partial<BitswapConfig> = {}): BitswapConfig {
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG }
  for (const key of Object.keys(DEFAULT_CONFIG) as Array<keyof BitswapConfig>) {
    if (options[key] !== undefined) config[key] = options[key]
  }
  for (const [key, value] of Object.entries(config)) {
    if (typeof DEFAULT_CONFIG[key as keyof BitswapConfig] === 'boolean') {
      if (typeof value !== 'boolean') throw new RangeError(`Option "${key}" must be true or false, got ${String(value)}`)
      continue
    }
    if (value === 0 && ZERO_IS_OFF.has(key)) continue
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`Option "${key}" must be a positive integer${ZERO_IS_OFF.has(key) ? ' or 0 (off)' : ''}, got ${String(value)}`)
    }
  }
  const checked = config as unknown as BitswapConfig
  if (checked.maxOutgoingMessageSize > checked.maxIncomingMessageSize) {
    throw new RangeError('Option "maxOutgoingMessageSize" cannot exceed "maxIncomingMessageSize"')
  }
  return checked
}
