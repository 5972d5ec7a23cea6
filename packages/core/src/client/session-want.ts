import type { PeerKey } from '../types.js'
import type { CID } from 'multiformats/cid'

/** What a session knows about one CID it wants. */
export class SessionWant {
  readonly cid: CID
  readonly key: string
  /** Callers waiting for it in this session; the want ends when the last one leaves. */
  callers = 1
  /** Sent to someone (targeted or broadcast) at least once. */
  live = false
  /** When it was last broadcast, for latency when the answer comes from a peer we never targeted. */
  broadcastAt: number | undefined
  readonly blockSentTo = new Set<PeerKey>()
  readonly haveSentTo = new Set<PeerKey>()
  readonly haves = new Set<PeerKey>()
  readonly dontHaves = new Set<PeerKey>()
  /** When each peer was asked, for response latency. */
  readonly askedAt = new Map<PeerKey, number>()

  constructor (cid: CID, key: string) {
    this.cid = cid
    this.key = key
  }

  /** Every peer of the session said DONT_HAVE (or stayed silent past the timeout). */
  exhausted (peers: ReadonlySet<PeerKey>): boolean {
    if (peers.size === 0) return false
    for (const peer of peers) if (!this.dontHaves.has(peer)) return false
    return true
  }

  forgetPeer (peer: PeerKey): void {
    this.blockSentTo.delete(peer)
    this.haveSentTo.delete(peer)
    this.haves.delete(peer)
    this.dontHaves.delete(peer)
    this.askedAt.delete(peer)
  }
}
