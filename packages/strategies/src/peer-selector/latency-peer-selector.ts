import { factoryPlugin, type PeerKey, type PeerSelector, type Plugin, type RandomSource, type SessionFeedback, type SessionPeerSelector } from '@swapwright/core'
import { requireInteger, requireNumber } from '../util/check-init.js'
import { DistinctCache } from '../util/distinct-cache.js'
import { shuffleInPlace } from '../util/shuffle.js'
import type { CID } from 'multiformats/cid'

export interface LatencyPeerSelectorInit {
  /** Most peers returned for one want. Default 32. */
  maxPeers?: number
  /** Weight of a new latency sample in the moving average, in (0, 1]. Default 0.5. */
  alpha?: number
  /** Latency charged when a peer never answered a want it was sent (ms). Default 5000. */
  timeoutPenaltyMs?: number
}

/**
 * The 2019 Go peer choice, as go-bitswap's `sessionpeermanager` (with its latency tracker and peer data) ranked
 * a session's peers: fastest measured peers first, by a moving average of response times, then the peers not
 * measured yet in random order, at most `maxPeers` in all. A peer that lets a want time out is charged the
 * penalty as if it had answered that slowly, so silent peers sink.
 */
export class LatencyPeerSelector implements PeerSelector {
  readonly name = 'latency-peer-selector'
  private readonly maxPeers: number
  private readonly alpha: number
  private readonly timeoutPenaltyMs: number

  constructor (private readonly random: RandomSource, init: LatencyPeerSelectorInit = {}) {
    this.maxPeers = requireInteger('maxPeers', init.maxPeers ?? 32, 1)
    this.alpha = requireNumber('alpha', init.alpha ?? 0.5, Number.MIN_VALUE, 1)
    this.timeoutPenaltyMs = requireNumber('timeoutPenaltyMs', init.timeoutPenaltyMs ?? 5000, 0)
  }

  forSession (): SessionPeerSelector {
    return new LatencySession(this.random, this.maxPeers, this.alpha, this.timeoutPenaltyMs)
  }
}

class LatencySession implements SessionPeerSelector {
  private readonly latency = new Map<PeerKey, number>()
  private readonly unique = new DistinctCache<PeerKey>()

  constructor (
    private readonly random: RandomSource,
    private readonly maxPeers: number,
    private readonly alpha: number,
    private readonly timeoutPenaltyMs: number
  ) {}

  rank (_cid: CID, peers: readonly PeerKey[]): PeerKey[] {
    // One pass, one latency lookup per peer, repeats checked once per array: a session of 299 peers ranks them for
    // every want it sends, and a set per call, two filters, lookups in the sort and copies were most of a
    // 2019-style session's work in the lab.
    const measured: Array<{ peer: PeerKey, ms: number }> = []
    const unmeasured: PeerKey[] = []
    for (const peer of this.unique.of(peers)) {
      const ms = this.latency.get(peer)
      if (ms === undefined) unmeasured.push(peer)
      else measured.push({ peer, ms })
    }
    // sort is stable, so equally fast peers keep the order they were given in
    measured.sort((a, b) => a.ms - b.ms)
    // every unmeasured peer is shuffled even when the measured ones fill the answer: the draws it takes from the
    // random source are part of what a seed reproduces
    shuffleInPlace(unmeasured, this.random)
    const out: PeerKey[] = []
    for (let i = 0; i < measured.length && out.length < this.maxPeers; i++) out.push(measured[i].peer)
    for (let i = 0; i < unmeasured.length && out.length < this.maxPeers; i++) out.push(unmeasured[i])
    return out
  }

  observe (feedback: SessionFeedback): void {
    switch (feedback.type) {
      case 'block':
        if (feedback.latency !== undefined) this.sample(feedback.peer, feedback.latency)
        break
      case 'dont-have':
        if (feedback.timedOut) this.sample(feedback.peer, this.timeoutPenaltyMs)
        break
      case 'peer-removed':
        this.latency.delete(feedback.peer)
        break
      case 'have':
      case 'peer-added':
        break
    }
  }

  private sample (peer: PeerKey, ms: number): void {
    const previous = this.latency.get(peer)
    this.latency.set(peer, previous === undefined ? ms : this.alpha * ms + (1 - this.alpha) * previous)
  }
}

/** The 2019 Go selector: EWMA latency (weight 0.5), a 5 s penalty for silence, at most 32 peers. */
export function latencyPeerSelector (init: LatencyPeerSelectorInit = {}): Plugin<PeerSelector> {
  return factoryPlugin('latency-peer-selector', components => new LatencyPeerSelector(components.random, init))
}
