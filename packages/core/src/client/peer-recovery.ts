import type { Clock, Timer } from '../interfaces/clock.js'
import type { PeerKey } from '../types.js'

export interface PeerRecoveryInit {
  clock: Clock
  /** Dials allowed per lost peer over the session's life (`sessionRedials`). */
  redials: number
  /** Dials a lost peer again; settles when the dial succeeded or failed. Undefined: the node cannot dial. */
  redial: ((peer: PeerKey) => Promise<unknown>) | undefined
  /** Looks for providers of the session's wants; settles when the search ends. */
  search: () => Promise<unknown>
  /** The session has wants left and no peer, and none is on its way. */
  stranded: () => boolean
  /**
   * How long to wait, once every attempt has ended with nobody, for an answer to the broadcast (which reaches
   * the peers connected outside the session). 0 when no peer is connected at all.
   */
  grace: () => number
  /** Nobody could be found: the session fails, naming the peers it lost. */
  giveUp: (lost: PeerKey[]) => void
}

/**
 * What a session does when every one of its peers has disconnected: it dials the lost peers again (a few times
 * each, since a peer that closed the connection may still be up) and looks for providers, both at once; when all
 * of that ends and still nobody joined, it gives up, so the caller hears why instead of waiting out its own
 * timeout. A peer that joins meanwhile, by any path, ends the recovery, since the session is no longer stranded.
 */
export class PeerRecovery {
  private readonly init: PeerRecoveryInit
  /** Peers the session lost to a disconnect, with the dials spent on each. */
  private readonly lost = new Map<PeerKey, number>()
  /** Dials and searches under way. */
  private attempts = 0
  private timer: Timer | undefined
  private stopped = false

  constructor (init: PeerRecoveryInit) {
    this.init = init
  }

  /** Whether `peer` is one the session lost (and so may take back as soon as it connects). */
  knows (peer: PeerKey): boolean {
    return this.lost.has(peer)
  }

  /** Whether the session ever lost a peer: a session that never had one waits for peers as before. */
  get hasLost (): boolean {
    return this.lost.size > 0
  }

  /** Whether dials or searches are under way. */
  get running (): boolean {
    return this.attempts > 0
  }

  peerLost (peer: PeerKey): void {
    if (!this.lost.has(peer)) this.lost.set(peer, 0)
  }

  /** The session is stranded: dial its lost peers (within their allowance) and search, unless already doing so. */
  start (): void {
    if (this.stopped || this.attempts > 0) return
    this.timer?.cancel()
    this.timer = undefined
    const { redial, redials } = this.init
    if (redial != null) {
      for (const [peer, used] of this.lost) {
        if (used >= redials) continue
        this.lost.set(peer, used + 1)
        this.track(redial(peer))
      }
    }
    this.track(this.init.search())
  }

  stop (): void {
    this.stopped = true
    this.timer?.cancel()
    this.timer = undefined
  }

  private track (attempt: Promise<unknown>): void {
    this.attempts++
    attempt.catch(() => {}).finally(() => {
      if (--this.attempts === 0) this.ended()
    })
  }

  /** Every attempt ended: if nobody joined, wait out the grace and give up. */
  private ended (): void {
    if (this.stopped || !this.init.stranded()) return
    this.timer = this.init.clock.setTimeout(() => {
      this.timer = undefined
      if (this.stopped || this.attempts > 0 || !this.init.stranded()) return
      this.init.giveUp([...this.lost.keys()])
    }, this.init.grace())
  }
}
