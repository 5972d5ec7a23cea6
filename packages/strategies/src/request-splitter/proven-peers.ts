import type { PeerKey, SessionFeedback } from '@swapwright/core'

/**
 * Which peers of one session have lately shown they hold what it asks for, and whether enough of them have for
 * the session to stop asking every peer about every block. Each HAVE and each first delivery counts; a proven
 * peer that then fails (DONT_HAVE, silence past its timeout) is proven no more and the count starts over, since
 * the session may have reached blocks that not every peer holds. A refusal from a peer never proven changes
 * nothing: a peer that lacks the file must not keep the others from being trusted.
 *
 * Why: with several seeds of one file, a WANT_HAVE to every other peer for each block costs a message entry out,
 * a HAVE back and a CANCEL out per peer and block, which at small blocks is more than the block; once the seeds
 * have proven themselves, one WANT_BLOCK per block, spread over them by the ranking, brings the same blocks.
 */
export class ProvenPeers {
  private readonly answered = new Set<PeerKey>()
  /** HAVEs and first deliveries since a proven peer last failed. */
  private streak = 0

  constructor (private readonly quorum: number, private readonly after: number) {}

  /** Enough peers have proven themselves, for long enough: wants go to one of them each. */
  get holds (): boolean {
    return this.answered.size >= this.quorum && this.streak >= this.after
  }

  has (peer: PeerKey): boolean {
    return this.answered.has(peer)
  }

  observe (feedback: SessionFeedback): void {
    switch (feedback.type) {
      case 'have':
        this.answered.add(feedback.peer)
        this.streak++
        break
      case 'block':
        if (!feedback.first) break
        this.answered.add(feedback.peer)
        this.streak++
        break
      case 'dont-have':
        if (this.answered.delete(feedback.peer)) this.streak = 0
        break
      case 'peer-removed':
        this.answered.delete(feedback.peer)
        break
      case 'peer-added':
        break
    }
  }
}
