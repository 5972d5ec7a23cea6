import { factoryPlugin, type PeerKey, type PeerSelector, type Plugin, type RandomSource, type SessionFeedback, type SessionPeerSelector } from '@swapwright/core'
import { requireInteger, requireNumber } from '../util/check-init.js'
import { distinct } from '../util/distinct.js'
import { shuffle } from '../util/shuffle.js'
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

  constructor (
    private readonly random: RandomSource,
    private readonly maxPeers: number,
    private readonly alpha: number,
    private readonly timeoutPenaltyMs: number
  ) {}

  rank (_cid: CID, peers: readonly PeerKey[]): PeerKey[] {
    const unique = distinct(peers)
    const measured = unique.filter(peer => this.latency.has(peer))
    // sort is stable, so equally fast peers keep the order they were given in
    measured.sort((a, b) => (this.latency.get(a) ?? 0) - (this.latency.get(b) ?? 0))
    const unmeasured = shuffle(unique.filter(peer => !this.latency.has(peer)), this.random)
    return [...measured, ...unmeasured].slice(0, this.maxPeers)
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
