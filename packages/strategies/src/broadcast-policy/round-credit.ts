import type { PeerKey } from '@swapwright/core'

/**
 * How much of an answer's worth a peer is credited, at most one answer's worth per broadcast round: the largest
 * of its answers since the last broadcast began. A peer is worth asking first in proportion to how many of the
 * things we looked for it had, not to how many blocks it sent afterwards: a session fetching a 100-block DAG
 * from its holder would otherwise give that one peer a hundred times the credit of the peers that hold the
 * roots of the next fetches, and the first step would shrink to it.
 */
export class RoundCredit {
  private round = 0
  private readonly last = new Map<PeerKey, { round: number, worth: number }>()

  constructor (private readonly capacity: number) {}

  /** A broadcast began: every peer may be credited once more. */
  nextRound (): void {
    this.round++
  }

  /** The worth to add for an answer of `worth` from `peer`: the part above what it got this round already. */
  claim (peer: PeerKey, worth: number): number {
    const entry = this.last.get(peer)
    if (entry?.round === this.round) {
      if (worth <= entry.worth) return 0
      const extra = worth - entry.worth
      entry.worth = worth
      return extra
    }
    if (entry == null && this.last.size >= this.capacity) this.forgetPastRounds()
    this.last.set(peer, { round: this.round, worth })
    return worth
  }

  /** Peers credited in an earlier round need no entry: their next answer is credited in full anyway. */
  private forgetPastRounds (): void {
    for (const [peer, entry] of this.last) if (entry.round !== this.round) this.last.delete(peer)
  }
}
