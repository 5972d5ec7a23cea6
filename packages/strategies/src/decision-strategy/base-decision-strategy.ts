import { compareTasksByPriority } from './task-order.js'
import { evictByPriority } from './priority-eviction.js'
import { requireInteger } from '../util/check-init.js'
import type { DecisionStrategy, EvictionDecision, LedgerWantView, PeerQueueView, TaskView, WantHaveAnswer } from '@swapwright/core'

export interface WantHaveInit {
  /**
   * A WANT_HAVE for a block of at most this many bytes is answered with the block itself, which costs about
   * as much as a HAVE and saves a round trip. 0 turns this off. Default 1024.
   */
  wantHaveReplaceSize?: number
}

/**
 * What the shipped strategies share: they differ only in how peers are ordered. Task order, WANT_HAVE answers
 * and eviction follow Go's defaults in all of them; a subclass may still override any of these.
 */
export abstract class BaseDecisionStrategy implements DecisionStrategy {
  abstract readonly name: string
  protected readonly wantHaveReplaceSize: number

  constructor (init: WantHaveInit = {}) {
    this.wantHaveReplaceSize = requireInteger('wantHaveReplaceSize', init.wantHaveReplaceSize ?? 1024, 0)
  }

  abstract comparePeers (a: PeerQueueView, b: PeerQueueView, now: number): number

  compareTasks (a: TaskView, b: TaskView): number {
    return compareTasksByPriority(a, b)
  }

  answerWantHave (blockSize: number): WantHaveAnswer {
    return this.wantHaveReplaceSize > 0 && blockSize <= this.wantHaveReplaceSize ? 'block' : 'have'
  }

  evict (current: readonly LedgerWantView[], incoming: readonly LedgerWantView[], limit: number): EvictionDecision {
    return evictByPriority(current, incoming, limit)
  }
}
