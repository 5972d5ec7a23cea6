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

/** What one message carries, counted once per message. */
interface Tally {
  wantBlocks: number
  wantHaves: number
  cancels: number
  haves: number
  dontHaves: number
  /** Whether it answers its receiver: a block or a HAVE. */
  answers: boolean
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
  /**
   * Tallies of the frozen messages the network shares between deliveries (a broadcast's wantlist to 299 peers,
   * their 299 equal HAVE replies): their entries are counted once, not on every delivery.
   */
  private readonly shared = new WeakMap<DecodedMessage, Tally>()

  /** Pass as the network's `onDeliver`. */
  readonly observe: DeliveryObserver = (from, to, message, bytes) => {
    const tally = this.tallyOf(message)
    const t = this.total
    t.messages++
    t.bytes += bytes
    t.blocks += message.blocks.length
    t.wantBlocks += tally.wantBlocks
    t.wantHaves += tally.wantHaves
    t.cancels += tally.cancels
    t.haves += tally.haves
    t.dontHaves += tally.dontHaves
    if (message.blocks.length > 0) this.blocksTo.set(to, (this.blocksTo.get(to) ?? 0) + message.blocks.length)
    if (tally.answers) this.answered.add(`${to}\u0000${from}`)
    if (tally.wantHaves > 0 && !this.answered.has(`${from}\u0000${to}`)) t.broadcastWantHaves += tally.wantHaves
  }

  /** Blocks the network carried to `peer`. */
  blocksDeliveredTo (peer: PeerKey): number {
    return this.blocksTo.get(peer) ?? 0
  }

  private tallyOf (message: DecodedMessage): Tally {
    if (!Object.isFrozen(message)) return tally(message)
    let known = this.shared.get(message)
    if (known == null) {
      known = tally(message)
      this.shared.set(message, known)
    }
    return known
  }
}

function tally (message: DecodedMessage): Tally {
  const out: Tally = { wantBlocks: 0, wantHaves: 0, cancels: 0, haves: 0, dontHaves: 0, answers: message.blocks.length > 0 }
  for (const entry of message.wantlist?.entries ?? []) {
    if (entry.cancel) out.cancels++
    else if (entry.wantType === 'block') out.wantBlocks++
    else out.wantHaves++
  }
  for (const presence of message.presences) {
    if (presence.type === 'have') out.haves++
    else out.dontHaves++
  }
  if (out.haves > 0) out.answers = true
  return out
}
