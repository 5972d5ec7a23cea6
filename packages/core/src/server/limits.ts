import { DEFAULT_CONFIG, type BitswapConfig } from '../config.js'

/** One limit of the server: its `createBitswap` option, its default, and what it bounds. */
export interface ServerLimit {
  option: keyof BitswapConfig
  default: number
  /** What the limit bounds, and the `stats().server` counter that counts what it refused, dropped or reset. */
  bounds: string
}

/**
 * Every limit that keeps one peer from starving, flooding or exhausting the server, with its default: the table
 * the READMEs and `swapwright serve --help` show. Network limits (streams, deadlines) are the network's options.
 */
export const SERVER_LIMITS: readonly ServerLimit[] = [
  { option: 'maxOutstandingBytesPerPeer', default: DEFAULT_CONFIG.maxOutstandingBytesPerPeer, bounds: 'unsent reply bytes per peer; over it the peer gets no new tasks (a failed send drops its queue: tasksDropped)' },
  { option: 'maxWantsPerPeer', default: DEFAULT_CONFIG.maxWantsPerPeer, bounds: 'wants kept per peer (evictions)' },
  { option: 'maxWantlistEntries', default: DEFAULT_CONFIG.maxWantlistEntries, bounds: 'wants kept over all peers; the largest ledger gives way (totalCapEvictions, totalCapRefusals)' },
  { option: 'maxQueuedMessagesPerPeer', default: DEFAULT_CONFIG.maxQueuedMessagesPerPeer, bounds: 'received messages per peer waiting to be applied; past it the peer is not read' },
  { option: 'maxQueuedMessageBytes', default: DEFAULT_CONFIG.maxQueuedMessageBytes, bounds: 'bytes of received messages waiting to be applied over all peers; past it a peer with one waiting is not read (readsPaused)' },
  { option: 'maxWantlistEntriesPerMessage', default: DEFAULT_CONFIG.maxWantlistEntriesPerMessage, bounds: 'wants in one incoming message (the message is rejected)' },
  { option: 'maxIncomingMessageSize', default: DEFAULT_CONFIG.maxIncomingMessageSize, bounds: 'bytes of one incoming message, by its length prefix (the stream is reset)' },
  { option: 'maxBytesPerSecondPerPeer', default: DEFAULT_CONFIG.maxBytesPerSecondPerPeer, bounds: 'reply bytes a second per peer, 0 = no limit (rateLimited)' },
  { option: 'maxBlocksPerSecondPerPeer', default: DEFAULT_CONFIG.maxBlocksPerSecondPerPeer, bounds: 'blocks a second per peer, 0 = no limit (rateLimited)' },
  { option: 'minBlockResendInterval', default: DEFAULT_CONFIG.minBlockResendInterval, bounds: 'ms before the same block goes to the same peer again, 0 = no limit (resendsDeferred)' },
  { option: 'taskWorkerCount', default: DEFAULT_CONFIG.taskWorkerCount, bounds: 'workers building replies' },
  { option: 'blockstoreConcurrency', default: DEFAULT_CONFIG.blockstoreConcurrency, bounds: 'blockstore reads at once' },
  { option: 'sharedBlockBytes', default: DEFAULT_CONFIG.sharedBlockBytes, bounds: 'bytes of blocks kept after a read for the other peers that want them too, 0 = none (sharedReads, keptBlocks)' }
]
