import { PeerRecords } from '../util/peer-records.js'
import type { WireTap } from './wire-tap.js'
import type { PeerKey } from '../types.js'
import type { BitswapMessage, DecodedMessage } from '../wire/types.js'

/** What went over the wire with one peer (or all of them), entry by entry. */
export interface WireCounts {
  /** WANT_HAVEs sent without asking for DONT_HAVE: the broadcasts a session makes to every peer. */
  wantHavesBroadcast: number
  /** WANT_HAVEs sent asking for DONT_HAVE: a session's own questions to its peers. */
  wantHavesSent: number
  wantBlocksSent: number
  cancelsSent: number
  blocksSent: number
  /** Block data sent (the blocks' bytes, without CID prefixes or framing). */
  blockBytesSent: number
  havesSent: number
  dontHavesSent: number
  /** Every block that arrived, wanted or not, duplicates included. */
  blocksReceived: number
  blockBytesReceived: number
  havesReceived: number
  dontHavesReceived: number
  messagesReceived: number
}

export function emptyWireCounts (): WireCounts {
  return {
    wantHavesBroadcast: 0,
    wantHavesSent: 0,
    wantBlocksSent: 0,
    cancelsSent: 0,
    blocksSent: 0,
    blockBytesSent: 0,
    havesSent: 0,
    dontHavesSent: 0,
    blocksReceived: 0,
    blockBytesReceived: 0,
    havesReceived: 0,
    dontHavesReceived: 0,
    messagesReceived: 0
  }
}

/** The fields a message's blocks and presences are counted under, sent or received. */
interface Direction {
  blocks: keyof WireCounts
  bytes: keyof WireCounts
  haves: keyof WireCounts
  dontHaves: keyof WireCounts
}
const SENT: Direction = { blocks: 'blocksSent', bytes: 'blockBytesSent', haves: 'havesSent', dontHaves: 'dontHavesSent' }
const RECEIVED: Direction = { blocks: 'blocksReceived', bytes: 'blockBytesReceived', haves: 'havesReceived', dontHaves: 'dontHavesReceived' }

/**
 * A tap that counts every entry of every message, per peer and in total: the source of metrics and of a fetch's
 * per-peer report. Peers that left keep their counts until `retain` later departures push them out, so a report
 * made after a peer went still has it and churn cannot grow the map forever.
 */
export class WireCounters implements WireTap {
  readonly total: WireCounts = emptyWireCounts()
  private readonly peers: PeerRecords<WireCounts>

  constructor (retain = 1024) {
    this.peers = new PeerRecords(emptyWireCounts, retain)
  }

  /** The counts of one peer (a copy), or undefined for a peer never seen or long gone. */
  of (peer: PeerKey): WireCounts | undefined {
    const counts = this.peers.get(peer)
    return counts == null ? undefined : { ...counts }
  }

  /** Every peer with counts, each a copy. */
  all (): Map<PeerKey, WireCounts> {
    return new Map([...this.peers.entries()].map(([peer, counts]) => [peer, { ...counts }]))
  }

  readonly sent = (peer: PeerKey, message: BitswapMessage): void => {
    const counts = this.counts(peer)
    for (const entry of message.wantlist?.entries ?? []) {
      const field = entry.cancel
        ? 'cancelsSent'
        : entry.wantType === 'block' ? 'wantBlocksSent' : entry.sendDontHave ? 'wantHavesSent' : 'wantHavesBroadcast'
      counts[field]++
      this.total[field]++
    }
    this.add(counts, message, SENT)
  }

  readonly received = (peer: PeerKey, message: DecodedMessage): void => {
    const counts = this.counts(peer)
    counts.messagesReceived++
    this.total.messagesReceived++
    this.add(counts, message, RECEIVED)
  }

  readonly connected = (peer: PeerKey): void => {
    this.peers.arrived(peer)
  }

  readonly disconnected = (peer: PeerKey): void => {
    this.peers.departed(peer)
  }

  /** Adds a message's blocks and presences to the peer's counts and the totals, under the fields of a direction. */
  private add (counts: WireCounts, message: BitswapMessage, fields: Direction): void {
    let bytes = 0
    for (const block of message.blocks) bytes += block.data.byteLength
    counts[fields.blocks] += message.blocks.length
    this.total[fields.blocks] += message.blocks.length
    counts[fields.bytes] += bytes
    this.total[fields.bytes] += bytes
    for (const presence of message.presences) {
      const field = presence.type === 'have' ? fields.haves : fields.dontHaves
      counts[field]++
      this.total[field]++
    }
  }

  private counts (peer: PeerKey): WireCounts {
    return this.peers.of(peer)
  }
}
