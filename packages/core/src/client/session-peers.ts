import { MAX_DONT_HAVE_TIMEOUT } from '../constants.js'
import type { PeerKey } from '../types.js'

/** Responses slower than this are outliers (a peer that was asleep), not latency. */
const MAX_VALID_LATENCY = 30_000

/**
 * A timed-out want does not count against a peer that answered this session this recently: no allowance is
 * longer, so such a peer is delivering (slowly, or behind a queue of large blocks), not gone.
 */
const DELIVERING_WINDOW = MAX_DONT_HAVE_TIMEOUT

/**
 * The peers of one session and what the session learned about them as a group: how many DONT_HAVEs each gave in
 * a row (a peer that keeps refusing leaves), when each last answered, and how fast answers come on average (the
 * pace of the session's idle tick). What a peer said about one block lives with that want, in `SessionWant`.
 */
export class SessionPeers {
  private readonly peers = new Set<PeerKey>()
  private readonly streaks = new Map<PeerKey, number>()
  private readonly lastAnswerAt = new Map<PeerKey, number>()
  private latencyTotal = 0
  private latencyCount = 0

  constructor (private readonly dontHaveLimit: number) {}

  get size (): number {
    return this.peers.size
  }

  /** The peers, as a live read-only set. */
  get all (): ReadonlySet<PeerKey> {
    return this.peers
  }

  has (peer: PeerKey): boolean {
    return this.peers.has(peer)
  }

  /** Returns false when the peer was already there. */
  add (peer: PeerKey): boolean {
    if (this.peers.has(peer)) return false
    this.peers.add(peer)
    return true
  }

  /** Returns false when the peer was not there. */
  delete (peer: PeerKey): boolean {
    if (!this.peers.delete(peer)) return false
    this.streaks.delete(peer)
    this.lastAnswerAt.delete(peer)
    return true
  }

  /** The peer delivered a block `latency` ms after it was asked (undefined: it was never asked). */
  delivered (peer: PeerKey, at: number, latency: number | undefined): void {
    this.answered(peer, at)
    if (latency == null || latency > MAX_VALID_LATENCY) return
    this.latencyTotal += latency
    this.latencyCount++
  }

  /** The peer said HAVE: it is useful, its refusals in a row start over. */
  answered (peer: PeerKey, at: number): void {
    this.streaks.delete(peer)
    this.lastAnswerAt.set(peer, at)
  }

  /**
   * The peer said DONT_HAVE, or stayed silent past its timeout. Returns true when that makes `dontHaveLimit` in a
   * row: the peer has nothing for this session. A timeout from a peer that answered within the last
   * DELIVERING_WINDOW does not count: timeouts alone never drop a peer that is delivering.
   */
  refused (peer: PeerKey, at: number, timedOut: boolean): boolean {
    if (timedOut && at - (this.lastAnswerAt.get(peer) ?? -Infinity) < DELIVERING_WINDOW) return false
    const streak = (this.streaks.get(peer) ?? 0) + 1
    this.streaks.set(peer, streak)
    return streak >= this.dontHaveLimit
  }

  /** Mean time from a want to its block, over the session; undefined until a block came from a peer asked. */
  get averageLatency (): number | undefined {
    return this.latencyCount === 0 ? undefined : this.latencyTotal / this.latencyCount
  }

  clear (): void {
    this.peers.clear()
    this.streaks.clear()
    this.lastAnswerAt.clear()
  }
}
