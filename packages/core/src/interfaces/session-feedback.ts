import type { PeerKey } from '../types.js'
import type { CID } from 'multiformats/cid'

/**
 * What a session learns while it fetches. Client-side policies (peer selectors, request splitters) receive
 * these so they can keep whatever per-session state their policy needs.
 */
export type SessionFeedback =
  | { type: 'peer-added', peer: PeerKey }
  | { type: 'peer-removed', peer: PeerKey }
  | { type: 'have', peer: PeerKey, cid: CID }
  /** `timedOut` is true when the peer stayed silent and core treated that as DONT_HAVE. */
  | { type: 'dont-have', peer: PeerKey, cid: CID, timedOut: boolean }
  /**
   * A block arrived. `latency` is ms since the want went to this peer (undefined if it was never asked),
   * `first` is true when no other peer delivered it before, `duplicate` when the session already had it.
   */
  | { type: 'block', peer: PeerKey, cid: CID, latency: number | undefined, first: boolean, duplicate: boolean }

/** What core hands a client-side policy when a session starts. */
export interface SessionContext {
  /** Unique per node. */
  readonly sessionId: number
}
