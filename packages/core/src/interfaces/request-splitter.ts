import type { SessionContext, SessionFeedback } from './session-feedback.js'
import type { PeerKey } from '../types.js'
import type { WantType } from '../wire/types.js'
import type { CID } from 'multiformats/cid'

/** One want that is ready to go out, with what the session already did about it. */
export interface PendingWant {
  readonly cid: CID
  /**
   * The session's peers in the selector's order for this want, best first. Core ranks on the first read, so a
   * splitter that finds nothing to send for a want (see `peers`) should decide that before reading this.
   */
  readonly ranked: readonly PeerKey[]
  /**
   * Every peer of the session, unordered (undefined reads as `ranked`); `blockSentTo` and `haveSentTo` hold
   * only peers of it, and each joined with a `peer-added` feedback. A splitter that asks every session peer
   * WANT_HAVE, whatever its rank, can find the ones not yet asked here without ranking the want.
   */
  readonly peers?: ReadonlySet<PeerKey>
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
   * Whether a peer whose block arrives after the session already had it joins the session. The 2019 design
   * enlisted every peer that sent a block the session had asked for, duplicates included, so two seeds that
   * both answered the first broadcast both became peers to split between. Default false: a peer joins on a
   * HAVE or a wanted block only, as boxo does since 2020.
   */
  readonly duplicateSendersJoin?: boolean
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
