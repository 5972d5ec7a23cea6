import type { PolicyGuard } from './policy-guard.js'
import type { PeerSelector, SessionPeerSelector } from '../interfaces/peer-selector.js'
import type { SessionContext, SessionFeedback } from '../interfaces/session-feedback.js'
import type { PeerKey } from '../types.js'
import type { CID } from 'multiformats/cid'

const SLOT = 'peerSelector'

/** The safe order: the session's peers as given, so every peer stays reachable. */
const givenOrder: SessionPeerSelector = {
  rank: (_cid, peers) => [...peers],
  observe: () => {}
}

/** A peer selector whose every call goes through the guard. */
export function guardPeerSelector (selector: PeerSelector, plugin: string, guard: PolicyGuard): PeerSelector {
  return {
    name: selector.name,
    forSession (context: SessionContext): SessionPeerSelector {
      const inner = guard.forSession(SLOT, plugin, () => selector.forSession(context))
      return inner == null ? givenOrder : new GuardedSessionSelector(inner, plugin, guard)
    }
  }
}

class GuardedSessionSelector implements SessionPeerSelector {
  constructor (
    private readonly inner: SessionPeerSelector,
    private readonly plugin: string,
    private readonly guard: PolicyGuard
  ) {}

  rank (cid: CID, peers: readonly PeerKey[]): PeerKey[] {
    try {
      const ranked = this.inner.rank(cid, peers)
      if (Array.isArray(ranked)) return ranked
      throw new TypeError(`rank returned ${String(ranked)}, not an array`)
    } catch (err) {
      this.guard.failed(SLOT, this.plugin, 'rank', err)
      return givenOrder.rank(cid, peers)
    }
  }

  observe (feedback: SessionFeedback): void {
    try {
      this.inner.observe(feedback)
    } catch (err) {
      this.guard.failed(SLOT, this.plugin, 'observe', err)
    }
  }
}
