import type { PeerScore } from './score-store.js'
import type { PeerKey } from '@swapwright/core'

/**
 * Decaying usefulness per peer: each answer adds its worth, and a score halves every `halfLife` ms, so a peer
 * that served us an hour ago ranks below one that serves us now. At most `capacity` peers are kept; a full
 * table drops its weakest entry for a new peer.
 */
export class PeerScores {
  private readonly entries = new Map<PeerKey, { score: number, at: number }>()

  constructor (private readonly halfLife: number, private readonly capacity: number) {}

  /** The score of `peer` at `now` (0 for a peer never scored). */
  score (peer: PeerKey, now: number): number {
    const entry = this.entries.get(peer)
    return entry == null ? 0 : this.decayed(entry, now)
  }

  add (peer: PeerKey, worth: number, now: number): void {
    const entry = this.entries.get(peer)
    if (entry != null) {
      entry.score = this.decayed(entry, now) + worth
      entry.at = now
      return
    }
    if (this.entries.size >= this.capacity) this.dropWeakest(now)
    this.entries.set(peer, { score: worth, at: now })
  }

  load (scores: readonly PeerScore[]): void {
    for (const { peer, score, at } of scores) {
      if (typeof peer === 'string' && Number.isFinite(score) && score > 0 && Number.isFinite(at)) this.entries.set(peer, { score, at })
      if (this.entries.size >= this.capacity) break
    }
  }

  snapshot (): PeerScore[] {
    return [...this.entries].map(([peer, { score, at }]) => ({ peer, score, at }))
  }

  private decayed (entry: { score: number, at: number }, now: number): number {
    return entry.score * 2 ** (-Math.max(0, now - entry.at) / this.halfLife)
  }

  private dropWeakest (now: number): void {
    let weakest: PeerKey | undefined
    let least = Infinity
    for (const [peer, entry] of this.entries) {
      const score = this.decayed(entry, now)
      if (score < least) {
        least = score
        weakest = peer
      }
    }
    if (weakest !== undefined) this.entries.delete(weakest)
  }
}
