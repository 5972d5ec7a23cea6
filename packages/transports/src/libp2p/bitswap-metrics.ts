import type { Metrics } from '@libp2p/interface'
import type { NodeStats, WireCounters, WireCounts } from '@swapwright/core'

/** Where the metrics are read from, at each scrape: nothing is counted twice and the hot paths stay as they are. */
export interface BitswapMetricsSource {
  /** The node's wire counters (a `WireCounters` tap on its network). */
  counters: WireCounters
  /** The running node's stats; undefined while it is stopped (the node's own counters then read 0). */
  stats: () => NodeStats | undefined
}

type Read = (counters: WireCounters, stats: NodeStats | undefined) => number

/**
 * Counters named as boxo names them (`ipfs_bitswap_` and the same suffix) where boxo has the metric, and in
 * Kubo's `ipfs stats bitswap` words otherwise. Each is read when metrics are scraped.
 */
const COUNTERS: Record<string, { help: string, read: Read }> = {
  ipfs_bitswap_wanthaves_broadcast: { help: 'Number of want-haves broadcast (sent without asking for DONT_HAVE).', read: c => c.total.wantHavesBroadcast },
  ipfs_bitswap_haves_received: { help: 'Number of HAVE presences received.', read: c => c.total.havesReceived },
  ipfs_bitswap_dont_haves_received: { help: 'Number of DONT_HAVE presences received.', read: c => c.total.dontHavesReceived },
  ipfs_bitswap_unique_blocks_received: { help: 'Number of wanted blocks received, verified and stored (duplicates not counted).', read: (_, s) => s?.client.blocksReceived ?? 0 },
  ipfs_bitswap_blocks_received: { help: 'Number of blocks received, duplicates and unwanted ones included.', read: c => c.total.blocksReceived },
  ipfs_bitswap_dup_blocks_received: { help: 'Number of blocks received that some session already had.', read: (_, s) => s?.client.duplicateBlocks ?? 0 },
  ipfs_bitswap_data_received_bytes: { help: 'Bytes of block data received, duplicates included.', read: c => c.total.blockBytesReceived },
  ipfs_bitswap_blocks_sent: { help: 'Number of blocks sent.', read: c => c.total.blocksSent },
  ipfs_bitswap_data_sent_bytes: { help: 'Bytes of block data sent.', read: c => c.total.blockBytesSent },
  ipfs_bitswap_want_blocks_sent: { help: 'Number of want-blocks sent.', read: c => c.total.wantBlocksSent },
  ipfs_bitswap_want_haves_sent: { help: 'Number of want-haves sent to session peers (asking for DONT_HAVE).', read: c => c.total.wantHavesSent },
  ipfs_bitswap_haves_sent: { help: 'Number of HAVE presences sent.', read: c => c.total.havesSent },
  ipfs_bitswap_dont_haves_sent: { help: 'Number of DONT_HAVE presences sent.', read: c => c.total.dontHavesSent },
  ipfs_bitswap_messages_received: { help: 'Number of Bitswap messages received.', read: c => c.total.messagesReceived }
}

const GAUGES: Record<string, { help: string, read: Read }> = {
  ipfs_bitswap_wantlist_total: { help: 'Number of items in wantlist.', read: (_, s) => s?.client.wantlistSize ?? 0 },
  ipfs_bitswap_peers: { help: 'Number of connected peers that speak Bitswap.', read: (_, s) => s?.peers ?? 0 },
  ipfs_bitswap_server_wantlist_entries: { help: 'Wants held for all peers by the server.', read: (_, s) => s?.server.wantlistEntries ?? 0 }
}

/** Per-peer counters, labelled `peer`: the peers seen lately (see `WireCounters`' retention). */
const PER_PEER: Record<string, { help: string, field: keyof WireCounts }> = {
  ipfs_bitswap_peer_blocks_received: { help: 'Blocks received from each peer.', field: 'blocksReceived' },
  ipfs_bitswap_peer_data_received_bytes: { help: 'Bytes of block data received from each peer.', field: 'blockBytesReceived' },
  ipfs_bitswap_peer_haves_received: { help: 'HAVE presences received from each peer.', field: 'havesReceived' },
  ipfs_bitswap_peer_blocks_sent: { help: 'Blocks sent to each peer.', field: 'blocksSent' },
  ipfs_bitswap_peer_data_sent_bytes: { help: 'Bytes of block data sent to each peer.', field: 'blockBytesSent' }
}

/** Every metric name `registerBitswapMetrics` registers, for documentation and tests. */
export const BITSWAP_METRICS: readonly string[] = [...Object.keys(COUNTERS), ...Object.keys(GAUGES), ...Object.keys(PER_PEER)]

/**
 * Registers the node's metrics with libp2p's `Metrics` component (`components.metrics`, e.g.
 * `@libp2p/prometheus-metrics`), each calculated from `source` when the metrics are read. Call once per
 * `Metrics`: a name can be registered only once.
 */
export function registerBitswapMetrics (metrics: Metrics, source: BitswapMetricsSource): void {
  for (const [name, { help, read }] of Object.entries(COUNTERS)) {
    metrics.registerCounter(name, { help, calculate: () => read(source.counters, source.stats()) })
  }
  for (const [name, { help, read }] of Object.entries(GAUGES)) {
    metrics.registerMetric(name, { help, calculate: () => read(source.counters, source.stats()) })
  }
  for (const [name, { help, field }] of Object.entries(PER_PEER)) {
    metrics.registerCounterGroup(name, {
      help,
      label: 'peer',
      calculate: () => {
        const values: Record<string, number> = {}
        for (const [peer, counts] of source.counters.all()) values[peer] = counts[field]
        return values
      }
    })
  }
}
