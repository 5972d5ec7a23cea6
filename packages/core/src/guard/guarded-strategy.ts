import type { PolicyGuard } from './policy-guard.js'
import type {
  DecisionStrategy, EvictionDecision, ExchangeFeedback, LedgerWantView, PeerQueueView, TaskView, WantHaveAnswer
} from '../interfaces/decision-strategy.js'

const SLOT = 'decisionStrategy'

/** Safe peer order: whoever was served longest ago (or never) first, so no peer starves. */
function longestWaiting (a: PeerQueueView, b: PeerQueueView): number {
  return (a.lastServedAt ?? -Infinity) - (b.lastServedAt ?? -Infinity) || 0
}

/** Safe task order: first come, first served. */
function fifo (a: TaskView, b: TaskView): number {
  return a.seq - b.seq
}

/** Safe eviction: the newest wants go, so the incoming ones fill only the room left. */
function evictNewest (current: readonly LedgerWantView[], incoming: readonly LedgerWantView[], limit: number): EvictionDecision {
  return { evict: [], accept: incoming.slice(0, Math.max(0, limit - current.length)).map(want => want.cid) }
}

function isOrder (value: unknown): value is number {
  return typeof value === 'number' && !Number.isNaN(value)
}

/**
 * A decision strategy whose every call goes through the guard. The comparators run inside the server's heap and
 * its workers, where a throw would kill the worker; here it becomes the safe order instead.
 */
export function guardDecisionStrategy (strategy: DecisionStrategy, plugin: string, guard: PolicyGuard): DecisionStrategy {
  const failed = (method: string, err: unknown): void => { guard.failed(SLOT, plugin, method, err) }
  const guarded: DecisionStrategy = {
    name: strategy.name,
    comparePeers (a: PeerQueueView, b: PeerQueueView, now: number): number {
      try {
        const order = strategy.comparePeers(a, b, now)
        if (isOrder(order)) return order
        throw new TypeError(`comparePeers returned ${String(order)}`)
      } catch (err) {
        failed('comparePeers', err)
        return longestWaiting(a, b)
      }
    },
    compareTasks (a: TaskView, b: TaskView): number {
      try {
        const order = strategy.compareTasks(a, b)
        if (isOrder(order)) return order
        throw new TypeError(`compareTasks returned ${String(order)}`)
      } catch (err) {
        failed('compareTasks', err)
        return fifo(a, b)
      }
    },
    answerWantHave (blockSize: number): WantHaveAnswer {
      try {
        const answer = strategy.answerWantHave(blockSize)
        if (answer === 'block' || answer === 'have') return answer
        throw new TypeError(`answerWantHave returned ${String(answer)}`)
      } catch (err) {
        failed('answerWantHave', err)
        return 'have'
      }
    },
    evict (current: readonly LedgerWantView[], incoming: readonly LedgerWantView[], limit: number): EvictionDecision {
      try {
        const decision = strategy.evict(current, incoming, limit)
        if (Array.isArray(decision?.evict) && Array.isArray(decision?.accept)) return decision
        throw new TypeError('evict returned no { evict, accept } arrays')
      } catch (err) {
        failed('evict', err)
        return evictNewest(current, incoming, limit)
      }
    }
  }
  if (typeof strategy.observe === 'function') {
    guarded.observe = (feedback: ExchangeFeedback): void => {
      try {
        strategy.observe?.(feedback)
      } catch (err) {
        failed('observe', err)
      }
    }
  }
  return guarded
}
