import { PeerRecords } from '@swapwright/core/internal'
import type { LinkStats, PeerKey } from '@swapwright/core'

/** What the libp2p network counts per peer, on top of the messages and bytes every network counts. */
export interface Libp2pLinkStats extends LinkStats {
  /** Outbound streams opened to the peer: 1 for as long as the reused stream stays healthy. */
  streamsOpened: number
  /** Inbound streams the peer opened to us. */
  streamsAccepted: number
  /** Inbound streams reset because the peer sent something malformed or oversized. */
  protocolErrors: number
  /** Sends that failed (after the one reopen), timed out, or were aborted. */
  sendFailures: number
  /** Inbound streams reset on arrival because the peer already held `maxInboundStreamsPerPeer` open. */
  streamsRefused: number
  /** Inbound streams reset because a message did not finish within its read deadline. */
  readTimeouts: number
  /**
   * Times reading the peer paused because it had `maxQueuedMessagesPerPeer` messages waiting to be applied, or one
   * waiting while all peers together had `maxQueuedMessageBytes`.
   */
  readsPaused: number
  /** Sends whose stream took no bytes for the stall timeout (`sendTimeout`): the stream was reset. */
  sendsStalled: number
}

function emptyStats (): Libp2pLinkStats {
  return {
    messagesSent: 0,
    bytesSent: 0,
    messagesReceived: 0,
    bytesReceived: 0,
    streamsOpened: 0,
    streamsAccepted: 0,
    protocolErrors: 0,
    sendFailures: 0,
    streamsRefused: 0,
    readTimeouts: 0,
    readsPaused: 0,
    sendsStalled: 0
  }
}

/**
 * Counters per peer. They outlive the connection (like the simulated network's), so a test or a benchmark can
 * read them after the peers have gone. Bytes are protobuf bodies, without length prefixes: the size a message
 * has on every network.
 */
export class Traffic {
  private readonly peers: PeerRecords<Libp2pLinkStats>

  /** `retain`: departed peers whose counters are kept (default 1024), so churn cannot grow the map forever. */
  constructor (retain = 1024) {
    this.peers = new PeerRecords(emptyStats, retain)
  }

  of (peer: PeerKey): Libp2pLinkStats {
    return this.peers.arrived(peer)
  }

  /** The peer disconnected: its counters stay readable until `retain` later departures push them out. */
  departed (peer: PeerKey): void {
    this.peers.departed(peer)
  }

  /** A copy, so callers cannot change the counters. */
  snapshot (peer: PeerKey): Libp2pLinkStats | undefined {
    const stats = this.peers.get(peer)
    return stats == null ? undefined : { ...stats }
  }

  /** Every peer's counters added up. */
  total (): Libp2pLinkStats {
    const total = emptyStats()
    for (const stats of this.peers.values()) {
      for (const key of Object.keys(total) as Array<keyof Libp2pLinkStats>) total[key] += stats[key]
    }
    return total
  }
}
