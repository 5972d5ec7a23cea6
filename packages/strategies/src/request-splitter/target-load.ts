import type { PeerKey, SessionFeedback } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

/**
 * How many of one session's WANT_BLOCKs each peer holds unanswered, so a splitter can deal wants evenly over
 * peers it trusts alike. A want's target is released when its block arrives (from anyone), when the target
 * refuses it or stays silent past its timeout, and all of a peer's when it leaves the session.
 *
 * Why: a weighted lottery per want (the Go choice) gives the peer that delivered first a growing share, so with
 * four seeds of one file one of them may hold most of the wants while the others idle; dealt by load, each seed
 * answers its share at once and in full messages.
 */
export class TargetLoad {
  /** Keyed by the want's own CID object, which the session hands to the splitter and to the feedback alike. */
  private readonly targets = new WeakMap<CID, PeerKey>()
  private readonly load = new Map<PeerKey, number>()

  /** WANT_BLOCKs `peer` holds unanswered. */
  of (peer: PeerKey): number {
    return this.load.get(peer) ?? 0
  }

  assigned (cid: CID, peer: PeerKey): void {
    this.release(cid)
    this.targets.set(cid, peer)
    this.load.set(peer, this.of(peer) + 1)
  }

  /** Of the peers `eligible` accepts, the one holding fewest WANT_BLOCKs; the earliest in `order` on a tie. */
  lightest (order: readonly PeerKey[], eligible: (peer: PeerKey) => boolean): PeerKey | undefined {
    let best: PeerKey | undefined
    let bestLoad = Infinity
    for (const peer of order) {
      if (!eligible(peer)) continue
      const load = this.of(peer)
      if (load < bestLoad) {
        best = peer
        bestLoad = load
        if (load === 0) break
      }
    }
    return best
  }

  observe (feedback: SessionFeedback): void {
    switch (feedback.type) {
      case 'block':
        if (feedback.first) this.release(feedback.cid)
        break
      case 'dont-have':
        if (this.targets.get(feedback.cid) === feedback.peer) this.release(feedback.cid)
        break
      case 'peer-removed':
        this.load.delete(feedback.peer)
        break
      case 'have':
      case 'peer-added':
        break
    }
  }

  private release (cid: CID): void {
    const peer = this.targets.get(cid)
    if (peer === undefined) return
    this.targets.delete(cid)
    const load = this.of(peer)
    if (load > 1) this.load.set(peer, load - 1)
    else this.load.delete(peer)
  }
}
