import { factoryPlugin, type DecisionStrategy, type PeerQueueView, type Plugin } from '@swapwright/core'
import { BaseDecisionStrategy, type WantHaveInit } from './base-decision-strategy.js'
import { emptyLoses, fewerActiveWins, morePendingWins } from './peer-rules.js'

/**
 * The 2019 Go server order, from the peer tracker of go-peertaskqueue (`peertracker/peertracker.go`, v0.1.x):
 * peers with work first, then the one with the fewest tasks in flight, then the one with the most waiting. The
 * last rule is uncapped, so a peer with a long wantlist can keep smaller peers waiting: kept for comparison
 * with the fair order, which fixed exactly that.
 */
export class ActiveWorkDecisionStrategy extends BaseDecisionStrategy implements DecisionStrategy {
  readonly name = 'active-work-decision-strategy'

  comparePeers (a: PeerQueueView, b: PeerQueueView): number {
    return emptyLoses(a, b) || fewerActiveWins(a, b) || morePendingWins(a, b)
  }
}

/** The 2019 Go server order (empty loses, fewer active wins, more pending wins). */
export function activeWorkDecisionStrategy (init: WantHaveInit = {}): Plugin<DecisionStrategy> {
  return factoryPlugin('active-work-decision-strategy', () => new ActiveWorkDecisionStrategy(init))
}
