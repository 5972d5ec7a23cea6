import type { SessionContext, SessionFeedback } from './session-feedback.js'
import type { PeerKey } from '../types.js'
import type { WantType } from '../wire/types.js'
import type { CID } from 'multiformats/cid'

/** One want that is ready to go out, with what the session already did about it. */
export interface PendingWant {
  readonly cid: CID
  /** The session's peers in the selector's order for this want, best first. */
  readonly ranked: readonly PeerKey[]
  /** Peers that currently hold a WANT_BLOCK for it from this session. */
  readonly blockSentTo: ReadonlySet<PeerKey>
  /** Peers already asked WANT_HAVE for it. */
  readonly haveSentTo: ReadonlySet<PeerKey>
  /**
   * The session's blocks of this want's codec have been small enough (at most 1024 bytes), or none has arrived
   * yet, so a peer asked WANT_HAVE is likely to answer with the block itself and every WANT_HAVE may cost a
   * whole duplicate. Undefined reads as false.
   */
  readonly haveAnswersWithBlock?: boolean
}

/** Send `cid` to `peer` as a `wantType` want. */
export interface WantAssignment {
  peer: PeerKey
  cid: CID
  wantType: WantType
}

/** The state a request splitter keeps for one session. */
export interface SessionRequestSplitter {
  /**
   * Most wants the session keeps out at once (the rest wait their turn); undefined for no limit. A policy
   * that asks several peers per want (the 2019 design: 32) needs a window to bound the traffic it causes.
   */
  readonly maxLiveWants?: number
  /**
   * Decides which peers get which wants, and as WANT_BLOCK or WANT_HAVE. Core never sends the same want to a
   * peer twice, so returning a pair that was already sent is harmless. A want comes back when its situation
   * changes: a peer joins, a DONT_HAVE or a failed WANT_BLOCK, or a HAVE while no WANT_BLOCK for it is out (as
   * in boxo; a HAVE while one is out is only observed).
   */
  split(wants: readonly PendingWant[]): WantAssignment[]
  /** Learns from what the session saw (duplicates, for example). */
  observe(feedback: SessionFeedback): void
}

/** Decides how a session spreads its wants over its peers. One instance per node; state lives per session. */
export interface RequestSplitter {
  readonly name: string
  forSession(context: SessionContext): SessionRequestSplitter
}
