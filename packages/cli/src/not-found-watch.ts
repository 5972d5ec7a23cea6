import { blockKey, systemClock, type Clock, type PeerKey, type SessionFeedback, type Timer } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

interface Refusals {
  cid: CID
  peers: Set<PeerKey>
  timer?: Timer
}

/**
 * Notices a block that no known peer has: once every peer of the fetch answered DONT_HAVE for it (a real
 * answer; silence is not counted) and nothing changes that for `grace` ms (a new peer, a HAVE, the block),
 * `onNotFound` is called with the block and the peers that refused it. Without this, a fetch from peers that
 * lack the data would wait for the idle timeout.
 */
export class NotFoundWatch {
  private readonly peers = new Set<PeerKey>()
  private readonly refusals = new Map<string, Refusals>()
  private readonly grace: number
  private readonly onNotFound: (cid: CID, peers: PeerKey[]) => void
  private readonly clock: Clock
  /** Peers on their way to the fetch (dialling, or joining its session): any of them may have a refused block. */
  private arriving = 0
  private stopped = false

  constructor (grace: number, onNotFound: (cid: CID, peers: PeerKey[]) => void, clock: Clock = systemClock()) {
    this.grace = grace
    this.onNotFound = onNotFound
    this.clock = clock
  }

  observe (feedback: SessionFeedback): void {
    if (this.stopped) return
    switch (feedback.type) {
      case 'peer-added':
        this.peers.add(feedback.peer)
        // someone new may have it: every verdict so far is open again
        for (const refusal of this.refusals.values()) this.check(refusal)
        return
      case 'peer-removed':
        this.peers.delete(feedback.peer)
        for (const refusal of this.refusals.values()) this.check(refusal)
        return
      case 'have':
      case 'block':
        this.forget(feedback.cid)
        return
      case 'dont-have': {
        if (feedback.timedOut) return
        const key = blockKey(feedback.cid)
        const refusal = this.refusals.get(key) ?? { cid: feedback.cid, peers: new Set<PeerKey>() }
        this.refusals.set(key, refusal)
        refusal.peers.add(feedback.peer)
        this.check(refusal)
      }
    }
  }

  /** A peer is on its way and joins (or fails to) when `joined` settles; no verdict is given until it has. */
  awaitPeer (joined: Promise<unknown>): void {
    this.arriving++
    void joined.finally(() => {
      this.arriving--
      for (const refusal of this.refusals.values()) this.check(refusal)
    })
  }

  stop (): void {
    this.stopped = true
    for (const refusal of this.refusals.values()) refusal.timer?.cancel()
    this.refusals.clear()
  }

  /** Arms the verdict when every known peer refused the block, and disarms it when that stops being so. */
  private check (refusal: Refusals): void {
    let everyone = this.arriving === 0
    for (const peer of this.peers) if (!refusal.peers.has(peer)) everyone = false
    if (!everyone) {
      refusal.timer?.cancel()
      refusal.timer = undefined
      return
    }
    refusal.timer ??= this.clock.setTimeout(() => {
      if (!this.stopped) this.onNotFound(refusal.cid, [...refusal.peers])
    }, this.grace)
  }

  /**
   * Called for every block of a fetch: keyed by core's block key, never the CID's base32 text, which multiformats
   * caches on the CID as a rope of about 80 string pieces (2 KB), alive as long as the walk holds the CID (a 16
   * MiB get in 1 KiB chunks held 20 MiB of them); and nothing to look up while no block is refused.
   */
  private forget (cid: CID): void {
    if (this.refusals.size === 0) return
    const key = blockKey(cid)
    this.refusals.get(key)?.timer?.cancel()
    this.refusals.delete(key)
  }
}
