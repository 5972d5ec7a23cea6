import { factoryPlugin, type Plugin } from '../plugin.js'
import type { BroadcastDecision, BroadcastPolicy, BroadcastRequest } from '../interfaces/broadcast-policy.js'

/**
 * No restriction: every connected peer outside the session is asked, in one step, and so is every peer that
 * connects while the wants last. It is what a node did before broadcasts had a policy, the default when no
 * policy is given, and the guard's safe choice when a policy fails (costly, but no want goes unasked).
 */
export class EveryPeerBroadcast implements BroadcastPolicy {
  constructor (readonly name = 'every-peer-broadcast') {}

  select (request: BroadcastRequest): BroadcastDecision {
    return { peers: request.peers.map(view => view.peer) }
  }

  admit (): boolean {
    return true
  }
}

/** The default broadcast policy: every connected peer (see `EveryPeerBroadcast`). */
export function nullBroadcastPolicy (): Plugin<BroadcastPolicy> {
  return factoryPlugin('null-broadcast-policy', () => new EveryPeerBroadcast('null-broadcast-policy'))
}
