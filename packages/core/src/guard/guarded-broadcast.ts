import { EveryPeerBroadcast } from '../null/null-broadcast-policy.js'
import type { PolicyGuard } from './policy-guard.js'
import type { BroadcastAnswer, BroadcastDecision, BroadcastPeerView, BroadcastPolicy, BroadcastRequest } from '../interfaces/broadcast-policy.js'

const SLOT = 'broadcastPolicy'

/** The safe choice: every peer the step may ask, in one step, and every newcomer; no want goes unasked. */
const everyPeer = new EveryPeerBroadcast()

/**
 * A broadcast policy whose every call goes through the guard. A decision naming peers it was not given is no
 * failure: they are only left out, as the interface says.
 */
export function guardBroadcastPolicy (policy: BroadcastPolicy, plugin: string, guard: PolicyGuard): BroadcastPolicy {
  const failed = (method: string, err: unknown): void => { guard.failed(SLOT, plugin, method, err) }
  return {
    name: policy.name,
    select (request: BroadcastRequest): BroadcastDecision {
      try {
        const decision = policy.select(request)
        if (Array.isArray(decision?.peers)) return decision
        throw new TypeError('select returned no { peers } array')
      } catch (err) {
        failed('select', err)
        return everyPeer.select(request)
      }
    },
    admit (peer: BroadcastPeerView): boolean {
      try {
        const admitted = policy.admit(peer)
        if (typeof admitted === 'boolean') return admitted
        throw new TypeError(`admit returned ${String(admitted)}, not a boolean`)
      } catch (err) {
        failed('admit', err)
        return everyPeer.admit()
      }
    },
    observe (answer: BroadcastAnswer): void {
      if (typeof policy.observe !== 'function') return
      try {
        policy.observe(answer)
      } catch (err) {
        failed('observe', err)
      }
    }
  }
}
