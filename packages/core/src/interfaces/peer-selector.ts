import type { SessionContext, SessionFeedback } from './session-feedback.js'
import type { PeerKey } from '../types.js'
import type { CID } from 'multiformats/cid'

/** The state a peer selector keeps for one session. */
export interface SessionPeerSelector {
  /**
   * Orders `peers` (the session's peers) for a want, best first. It may leave peers out (for example to cap
   * how many are asked) but must not invent peers that were not given.
   */
  rank(cid: CID, peers: readonly PeerKey[]): PeerKey[]
  /** Learns from what the session saw. */
  observe(feedback: SessionFeedback): void
}

/** Decides the order of a session's peers for each want. One instance per node; state lives per session. */
export interface PeerSelector {
  readonly name: string
  forSession(context: SessionContext): SessionPeerSelector
}
