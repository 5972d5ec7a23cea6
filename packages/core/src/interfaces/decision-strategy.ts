import type { PeerKey } from '../types.js'
import type { WantType } from '../wire/types.js'
import type { CID } from 'multiformats/cid'

/** A read-only view of one peer's queue on the server, as the strategy orders peers. */
export interface PeerQueueView {
  readonly peer: PeerKey
  /** Tasks waiting to be served. */
  readonly pendingTasks: number
  /** Tasks popped and not yet sent. */
  readonly activeTasks: number
  /** Bytes of tasks popped and not yet sent. */
  readonly activeBytes: number
  /** When the peer was last served (ms on the node's clock), or undefined if never. */
  readonly lastServedAt: number | undefined
  /** Bytes we sent this peer, and it sent us, since it connected. */
  readonly bytesSent: number
  readonly bytesReceived: number
  /** The task this peer would be served next (its first in `compareTasks` order), if any. */
  readonly headTask?: TaskView
}

/** A read-only view of one queued task: a want we are about to answer. */
export interface TaskView {
  readonly cid: CID
  readonly priority: number
  readonly wantType: WantType
  /** Block size when known (and present), else undefined. */
  readonly blockSize: number | undefined
  /** Order of arrival, for FIFO tie-breaks. */
  readonly seq: number
}

/** A read-only view of a want in a peer's ledger, as eviction sees it. */
export interface LedgerWantView {
  readonly cid: CID
  readonly priority: number
  readonly wantType: WantType
  /** Whether we have the block. */
  readonly have: boolean
  readonly seq: number
}

/** What a WANT_HAVE for a block we hold is answered with. */
export type WantHaveAnswer = 'block' | 'have'

/** Bytes moved between us and a peer, reported to strategies that score peers. */
export interface ExchangeFeedback {
  type: 'sent' | 'received'
  peer: PeerKey
  bytes: number
}

/**
 * The server's policy: who is served first, in which order their tasks go out, what a WANT_HAVE gets, and which
 * wants are dropped when a ledger is full. Pure decisions over views; core does the bookkeeping.
 */
export interface DecisionStrategy {
  readonly name: string
  /** Negative when `a` should be served before `b`. `now` is the node clock's time. */
  comparePeers(a: PeerQueueView, b: PeerQueueView, now: number): number
  /** Negative when task `a` of one peer should go before task `b`. */
  compareTasks(a: TaskView, b: TaskView): number
  /** The answer to a WANT_HAVE for a block we hold, given its size. */
  answerWantHave(blockSize: number): WantHaveAnswer
  /**
   * A ledger holds `current` and would exceed `limit` wants by taking `incoming`. Returns which of the current
   * wants to evict and which incoming wants to keep, so that the ledger ends at most at `limit`.
   */
  evict(current: readonly LedgerWantView[], incoming: readonly LedgerWantView[], limit: number): EvictionDecision
  /** Bytes exchanged with peers, for strategies that score them. */
  observe?(feedback: ExchangeFeedback): void
}

export interface EvictionDecision {
  evict: CID[]
  accept: CID[]
}
