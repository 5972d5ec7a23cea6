import type { PeerKey } from '../types.js'
import type { CID } from 'multiformats/cid'

/** Shared by every want that has no entry in a set yet; never written to. */
const NONE: ReadonlySet<PeerKey> = new Set()

/**
 * What a session knows about one CID it wants. A fetch has thousands of these and most never hear from more
 * than one peer, so the per-peer sets are created on first write; until then they read as empty.
 */
export class SessionWant {
  readonly cid: CID
  readonly key: string
  /** Callers waiting for it in this session; the want ends when the last one leaves. */
  callers = 1
  /** Sent to someone (targeted or broadcast) at least once. */
  live = false
  /** When it was last broadcast, for latency when the answer comes from a peer we never targeted. */
  broadcastAt: number | undefined
  private sentBlocks: Set<PeerKey> | undefined
  private sentHaves: Set<PeerKey> | undefined
  private saidHave: Set<PeerKey> | undefined
  private saidDontHave: Set<PeerKey> | undefined
  /** Of `saidDontHave`, the peers that only stayed silent: they still hold the want and may yet answer. */
  private timedOut: Set<PeerKey> | undefined
  /**
   * When each peer was asked, for response latency. Nearly every want is asked of one peer only: that one is kept
   * in the two fields, and a map is made only for a second peer (one map per want was a tenth of what a fetch of
   * small blocks allocated in its sessions).
   */
  private askedPeer: PeerKey | undefined
  private askedPeerAt = 0
  private asked: Map<PeerKey, number> | undefined
  /** Times the peers that refused it were asked again (the back-off doubles with each). */
  retries = 0

  constructor (cid: CID, key: string) {
    this.cid = cid
    this.key = key
  }

  /** Peers sent a WANT_BLOCK for it. */
  get blockSentTo (): ReadonlySet<PeerKey> {
    return this.sentBlocks ?? NONE
  }

  /** Peers sent a WANT_HAVE for it. */
  get haveSentTo (): ReadonlySet<PeerKey> {
    return this.sentHaves ?? NONE
  }

  /** Peers that said HAVE. */
  get haves (): ReadonlySet<PeerKey> {
    return this.saidHave ?? NONE
  }

  /** Peers that said DONT_HAVE (or stayed silent past the timeout). */
  get dontHaves (): ReadonlySet<PeerKey> {
    return this.saidDontHave ?? NONE
  }

  /** When `peer` was last asked for it. */
  askedAt (peer: PeerKey): number | undefined {
    if (peer === this.askedPeer) return this.askedPeerAt
    return this.asked?.get(peer)
  }

  sentBlock (peer: PeerKey, at: number): void {
    (this.sentBlocks ??= new Set()).add(peer)
    this.setAsked(peer, at)
  }

  sentHave (peer: PeerKey, at: number): void {
    (this.sentHaves ??= new Set()).add(peer)
    this.setAsked(peer, at)
  }

  /** The peer has it: it is no longer one that said DONT_HAVE. */
  heardHave (peer: PeerKey): void {
    (this.saidHave ??= new Set()).add(peer)
    this.saidDontHave?.delete(peer)
    this.timedOut?.delete(peer)
  }

  /**
   * The peer failed us on it: it said DONT_HAVE, stayed silent past the timeout, or sent something unusable.
   * Whatever it said before, it stops being a WANT_BLOCK target and a HAVE, so the want goes elsewhere at once.
   * Returns whether the peer was the target of a WANT_BLOCK for it.
   */
  failed (peer: PeerKey, timedOut: boolean): boolean {
    (this.saidDontHave ??= new Set()).add(peer)
    if (timedOut) (this.timedOut ??= new Set()).add(peer)
    else this.timedOut?.delete(peer)
    this.saidHave?.delete(peer)
    return this.sentBlocks?.delete(peer) ?? false
  }

  /**
   * Forgets the DONT_HAVEs peers actually sent (not their silences) so they can be asked again: a peer may get
   * the block later. Returns those peers.
   */
  forgetRefusals (): PeerKey[] {
    const refusers: PeerKey[] = []
    for (const peer of this.saidDontHave ?? NONE) {
      if (this.timedOut?.has(peer) === true) continue
      refusers.push(peer)
      this.saidDontHave?.delete(peer)
      this.sentHaves?.delete(peer)
    }
    return refusers
  }

  /** Every peer of the session said DONT_HAVE (or stayed silent past the timeout). */
  exhausted (peers: ReadonlySet<PeerKey>): boolean {
    if (peers.size === 0) return false
    const dontHaves = this.saidDontHave
    if (dontHaves == null) return false
    for (const peer of peers) if (!dontHaves.has(peer)) return false
    return true
  }

  forgetPeer (peer: PeerKey): void {
    this.sentBlocks?.delete(peer)
    this.sentHaves?.delete(peer)
    this.saidHave?.delete(peer)
    this.saidDontHave?.delete(peer)
    this.timedOut?.delete(peer)
    if (peer === this.askedPeer) this.askedPeer = undefined
    else this.asked?.delete(peer)
  }

  private setAsked (peer: PeerKey, at: number): void {
    if (this.askedPeer === undefined || peer === this.askedPeer) {
      // Not also in the map: a peer is in one place or the other.
      if (this.askedPeer === undefined) this.asked?.delete(peer)
      this.askedPeer = peer
      this.askedPeerAt = at
      return
    }
    (this.asked ??= new Map()).set(peer, at)
  }
}
