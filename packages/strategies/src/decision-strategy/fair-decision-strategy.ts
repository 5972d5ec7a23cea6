import { factoryPlugin, type DecisionStrategy, type PeerQueueView, type Plugin, type RandomSource } from '@swapwright/core'
import { BaseDecisionStrategy, type WantHaveInit } from './base-decision-strategy.js'
import { emptyLoses, fewerActiveWins, morePendingWins, starvedWins } from './peer-rules.js'
import { requireInteger, requireNumber } from '../util/check-init.js'
import { SaltedPeerOrder } from '../util/salted-hash.js'

export interface FairDecisionStrategyInit extends WantHaveInit {
  /** A peer not served for longer than this (ms), or never, jumps the queue. Default 10 000. */
  starvationMs?: number
  /** Pending tasks beyond this count earn a peer no further priority. Default 16. */
  pendingCap?: number
}

/**
 * The server order of current Go Bitswap: boxo's fair peer scheduler (`bitswap/server/internal/decision`,
 * the scheduler that replaced the plain peer-task-queue order). The older order let a peer with a huge
 * wantlist stay ahead of everyone; here a backlog only counts up to `pendingCap`, anyone left waiting past
 * `starvationMs` goes first, and the remaining ties fall to a per-node salted hash so no peer ID is lucky
 * everywhere.
 */
export class FairDecisionStrategy extends BaseDecisionStrategy implements DecisionStrategy {
  readonly name = 'fair-decision-strategy'
  private readonly starvationMs: number
  private readonly pendingCap: number
  private readonly tieBreak: SaltedPeerOrder

  constructor (random: RandomSource, init: FairDecisionStrategyInit = {}) {
    super(init)
    this.starvationMs = requireNumber('starvationMs', init.starvationMs ?? 10_000, 0)
    this.pendingCap = requireInteger('pendingCap', init.pendingCap ?? 16, 1)
    this.tieBreak = new SaltedPeerOrder(random)
  }

  comparePeers (a: PeerQueueView, b: PeerQueueView, now: number): number {
    return emptyLoses(a, b) ||
      starvedWins(a, b, now, this.starvationMs) ||
      fewerActiveWins(a, b) ||
      morePendingWins(a, b, this.pendingCap) ||
      this.tieBreak.compare(a.peer, b.peer)
  }
}

/** The Go default server order: starvation 10 s, pending cap 16, salted tie-break; WANT_HAVE → block up to 1024 B. */
export function fairDecisionStrategy (init: FairDecisionStrategyInit = {}): Plugin<DecisionStrategy> {
  return factoryPlugin('fair-decision-strategy', components => new FairDecisionStrategy(components.random, init))
}
