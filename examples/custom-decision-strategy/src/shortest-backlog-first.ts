import { factoryPlugin, type DecisionStrategy, type EvictionDecision, type LedgerWantView, type PeerQueueView, type Plugin, type TaskView, type WantHaveAnswer } from '@swapwright/core'
import { compareTasksByPriority, evictByPriority } from '@swapwright/strategies'

/** Up to this size a WANT_HAVE is answered with the block itself (Go: 1024 bytes). */
const EAGER_REPLY_SIZE = 16 * 1024

/**
 * A server order that finishes the smallest requests first: the peer with the fewest tasks waiting is served
 * next, as a shortest-job-first queue would, so a peer asking for a handful of blocks is never stuck behind
 * one asking for a thousand. It also answers WANT_HAVE with the block for blocks up to 16 KiB, saving a
 * round trip at the price of duplicates when several seeds answer the same want.
 */
export class ShortestBacklogFirst implements DecisionStrategy {
  readonly name = 'shortest-backlog-first'

  comparePeers (a: PeerQueueView, b: PeerQueueView): number {
    // a peer with nothing waiting must never be picked ahead of one with work
    if ((a.pendingTasks === 0) !== (b.pendingTasks === 0)) return a.pendingTasks === 0 ? 1 : -1
    return a.pendingTasks - b.pendingTasks || a.activeTasks - b.activeTasks || (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0)
  }

  compareTasks (a: TaskView, b: TaskView): number {
    return compareTasksByPriority(a, b)
  }

  answerWantHave (blockSize: number): WantHaveAnswer {
    return blockSize <= EAGER_REPLY_SIZE ? 'block' : 'have'
  }

  evict (current: readonly LedgerWantView[], incoming: readonly LedgerWantView[], limit: number): EvictionDecision {
    return evictByPriority(current, incoming, limit)
  }
}

/** The plugin for `createBitswap({ decisionStrategy })` or a lab strategy set. */
export function shortestBacklogFirst (): Plugin<DecisionStrategy> {
  return factoryPlugin('shortest-backlog-first', () => new ShortestBacklogFirst())
}
