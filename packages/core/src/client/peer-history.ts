import type { BroadcastPeerView } from '../interfaces/broadcast-policy.js'
import type { PeerStanding } from '../interfaces/network.js'
import type { PeerKey } from '../types.js'

interface Record {
  connectedAt: number
  blocks: number
  haves: number
  lastUsefulAt: number | undefined
}

/** What a broadcast view adds to the history: the network's and the queue's facts of the moment. */
export interface PeerFacts {
  standing: PeerStanding | undefined
  pending: boolean
  latencyMs: number | undefined
}

/**
 * What each connected peer gave us since it connected: the raw material of broadcast views. It lasts one
 * connection, as boxo's broadcast targets do; a policy that wants a longer memory keeps its own (`observe`).
 */
export class PeerHistory {
  private readonly records = new Map<PeerKey, Record>()

  connected (peer: PeerKey, now: number): void {
    if (!this.records.has(peer)) this.records.set(peer, { connectedAt: now, blocks: 0, haves: 0, lastUsefulAt: undefined })
  }

  disconnected (peer: PeerKey): void {
    this.records.delete(peer)
  }

  block (peer: PeerKey, now: number): void {
    const record = this.records.get(peer)
    if (record == null) return
    record.blocks++
    record.lastUsefulAt = now
  }

  have (peer: PeerKey, now: number): void {
    const record = this.records.get(peer)
    if (record == null) return
    record.haves++
    record.lastUsefulAt = now
  }

  /** A frozen view of the peer for a policy; a peer with no record reads as one that just connected. */
  view (peer: PeerKey, now: number, facts: PeerFacts): BroadcastPeerView {
    const record = this.records.get(peer)
    return Object.freeze({
      peer,
      connectedAt: record?.connectedAt ?? now,
      blocksReceived: record?.blocks ?? 0,
      havesReceived: record?.haves ?? 0,
      lastUsefulAt: record?.lastUsefulAt,
      local: facts.standing?.local === true,
      peered: facts.standing?.peered === true,
      pending: facts.pending,
      latencyMs: facts.latencyMs
    })
  }
}
