import { factoryPlugin, type DecisionStrategy, type PeerQueueView, type Plugin, type RandomSource } from '@swapwright/core'
import { BaseDecisionStrategy, type WantHaveInit } from './base-decision-strategy.js'
import { emptyLoses, fewerActiveWins, largerWins, morePendingWins } from './peer-rules.js'
import { SaltedPeerOrder } from '../util/salted-hash.js'

/**
 * Serves first the peer whose next task has the highest priority, as a custom task comparator does in Go's peer
 * task queue. A view without a head task (a queue that cannot show one) ranks below any that has one, and such
 * views fall back to the closest proxy: the longest backlog, then the least in flight. Nothing stops a peer with
 * only low-priority wants from waiting a long time here; that is the trade this order makes.
 */
export class PriorityDecisionStrategy extends BaseDecisionStrategy implements DecisionStrategy {
  readonly name = 'priority-decision-strategy'
  private readonly tieBreak: SaltedPeerOrder

  constructor (random: RandomSource, init: WantHaveInit = {}) {
    super(init)
    this.tieBreak = new SaltedPeerOrder(random)
  }

  comparePeers (a: PeerQueueView, b: PeerQueueView): number {
    return emptyLoses(a, b) ||
      largerWins(headPriority(a), headPriority(b)) ||
      morePendingWins(a, b) ||
      fewerActiveWins(a, b) ||
      this.tieBreak.compare(a.peer, b.peer)
  }
}

function headPriority (view: PeerQueueView): number {
  return view.headTask?.priority ?? Number.NEGATIVE_INFINITY
}

/** Serves the peer with the most urgent task first. */
export function priorityDecisionStrategy (init: WantHaveInit = {}): Plugin<DecisionStrategy> {
  return factoryPlugin('priority-decision-strategy', components => new PriorityDecisionStrategy(components.random, init))
}
