import { factoryPlugin, type DecisionStrategy, type PeerQueueView, type Plugin, type RandomSource } from '@swapwright/core'
import { BaseDecisionStrategy, type WantHaveInit } from './base-decision-strategy.js'
import { emptyLoses, fewerActiveWins, largerWins, starvedWins } from './peer-rules.js'
import { requireNumber } from '../util/check-init.js'
import { SaltedPeerOrder } from '../util/salted-hash.js'

export interface ReciprocityDecisionStrategyInit extends WantHaveInit {
  /** A peer not served for longer than this (ms), or never, goes first whatever its score. Default 10 000. */
  starvationMs?: number
}

/**
 * Tit for tat, as the original Bitswap paper sketched it: peers that sent us more than we sent them are served
 * first, scored by bytes received ÷ (bytes sent + 1). Pure reciprocity would shut out newcomers, who have given
 * nothing yet, so the fair order's starvation guard still lets everyone through now and then.
 */
export class ReciprocityDecisionStrategy extends BaseDecisionStrategy implements DecisionStrategy {
  readonly name = 'reciprocity-decision-strategy'
  private readonly starvationMs: number
  private readonly tieBreak: SaltedPeerOrder

  constructor (random: RandomSource, init: ReciprocityDecisionStrategyInit = {}) {
    super(init)
    this.starvationMs = requireNumber('starvationMs', init.starvationMs ?? 10_000, 0)
    this.tieBreak = new SaltedPeerOrder(random)
  }

  comparePeers (a: PeerQueueView, b: PeerQueueView, now: number): number {
    return emptyLoses(a, b) ||
      starvedWins(a, b, now, this.starvationMs) ||
      largerWins(score(a), score(b)) ||
      fewerActiveWins(a, b) ||
      this.tieBreak.compare(a.peer, b.peer)
  }
}

function score (view: PeerQueueView): number {
  return view.bytesReceived / (view.bytesSent + 1)
}

/** Serves generous peers first, with a starvation guard (10 s). */
export function reciprocityDecisionStrategy (init: ReciprocityDecisionStrategyInit = {}): Plugin<DecisionStrategy> {
  return factoryPlugin('reciprocity-decision-strategy', components => new ReciprocityDecisionStrategy(components.random, init))
}
