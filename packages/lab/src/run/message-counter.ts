import type { DecodedMessage, PeerKey } from '@swapwright/core'
import type { DeliveryObserver } from '@swapwright/transports'

/** What the network carried, by kind of entry. */
export interface TrafficCounts {
  messages: number
  bytes: number
  wantBlocks: number
  wantHaves: number
  cancels: number
  blocks: number
  haves: number
  dontHaves: number
  /**
   * WANT_HAVEs sent as broadcast: to a peer that had not yet answered the sender with a HAVE or a block, so was
   * not yet in any of its sessions. Seen from delivery order, so a want that crossed a peer's first answer on the
   * wire counts as targeted.
   */
  broadcastWantHaves: number
}

export function emptyTraffic (): TrafficCounts {
  return { messages: 0, bytes: 0, wantBlocks: 0, wantHaves: 0, cancels: 0, blocks: 0, haves: 0, dontHaves: 0, broadcastWantHaves: 0 }
}

/**
 * Counts every message the simulated network delivers, by entry kind, from the messages themselves rather
 * than from the nodes' own counters: an independent tally the run's consistency checks compare against.
 */
export class MessageCounter {
  readonly total: TrafficCounts = emptyTraffic()
  private readonly blocksTo = new Map<PeerKey, number>()
  /** `receiver\0peer` for every peer that has answered the receiver with a HAVE or a block. */
  private readonly answered = new Set<string>()

  /** Pass as the network's `onDeliver`. */
  readonly observe: DeliveryObserver = (from, to, message, bytes) => {
    this.count(message, bytes)
    if (message.blocks.length > 0) this.blocksTo.set(to, (this.blocksTo.get(to) ?? 0) + message.blocks.length)
    if (message.blocks.length > 0 || message.presences.some(p => p.type === 'have')) this.answered.add(`${to}\u0000${from}`)
    if (message.wantlist != null && !this.answered.has(`${from}\u0000${to}`)) {
      for (const entry of message.wantlist.entries) if (!entry.cancel && entry.wantType === 'have') this.total.broadcastWantHaves++
    }
  }

  /** Blocks the network carried to `peer`. */
  blocksDeliveredTo (peer: PeerKey): number {
    return this.blocksTo.get(peer) ?? 0
  }

  private count (message: DecodedMessage, bytes: number): void {
    const t = this.total
    t.messages++
    t.bytes += bytes
    t.blocks += message.blocks.length
    for (const entry of message.wantlist?.entries ?? []) {
      if (entry.cancel) t.cancels++
      else if (entry.wantType === 'block') t.wantBlocks++
      else t.wantHaves++
    }
    for (const presence of message.presences) {
      if (presence.type === 'have') t.haves++
      else t.dontHaves++
    }
  }
}
