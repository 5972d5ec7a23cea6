import type { PeerKey } from '../types.js'
import type { CID } from 'multiformats/cid'

/** What the node knows of one connected peer when it broadcasts: a read-only snapshot, made for each decision. */
export interface BroadcastPeerView {
  readonly peer: PeerKey
  /** When the peer connected (the node's clock, ms). */
  readonly connectedAt: number
  /** Wanted blocks the peer sent us since it connected. */
  readonly blocksReceived: number
  /** HAVEs the peer sent us since it connected. */
  readonly havesReceived: number
  /** When it last sent us a wanted block or a HAVE; undefined if it never did on this connection. */
  readonly lastUsefulAt: number | undefined
  /** On a loopback or private address, as the network tells; false when the network cannot tell. */
  readonly local: boolean
  /** Kept connected on purpose (configured peering), as the network tells; false when it cannot tell. */
  readonly peered: boolean
  /** A message to the peer is waiting to go out: a broadcast would ride along in it. */
  readonly pending: boolean
  /** The network's round-trip estimate for the peer, ms, when it has one. */
  readonly latencyMs: number | undefined
}

/** One step of a session's broadcast of WANT_HAVEs. */
export interface BroadcastRequest {
  /** The wants being broadcast (still wanted, and not yet answered with a block). */
  readonly cids: readonly CID[]
  /** 0 for the first broadcast of these wants, then 1, 2, … each time the policy asked to widen it. */
  readonly step: number
  /** When step 0 was taken (the node's clock, ms). */
  readonly startedAt: number
  readonly now: number
  /**
   * The connected peers this step may ask: neither the session's own peers (the request splitter asks those) nor
   * the peers earlier steps asked. Frozen; a policy returns some of them.
   */
  readonly peers: readonly BroadcastPeerView[]
}

/** A policy's answer to one step. */
export interface BroadcastDecision {
  /** Peers of the request to send the WANT_HAVEs to now; any other key is ignored. */
  readonly peers: readonly PeerKey[]
  /**
   * Take the next step (`step + 1`, over the peers not asked yet) after this many ms if some wants are still
   * unanswered by then; leave it out (or not a positive number) to end the broadcast with this step.
   */
  readonly widenAfterMs?: number
}

/** What a peer answered to one of our wants, for policies that learn who is useful. */
export interface BroadcastAnswer {
  readonly peer: PeerKey
  /** A wanted block, a HAVE, or a DONT_HAVE the peer sent. */
  readonly type: 'block' | 'have' | 'dont-have'
  readonly at: number
}

/**
 * Decides which connected peers receive a session's broadcast WANT_HAVEs, and whether to widen the broadcast
 * later. One instance per node. Its decisions are pure functions of the views it is given and what it learned
 * through `observe`; the node owns every timer (a step's `widenAfterMs` runs on the node's clock).
 */
export interface BroadcastPolicy {
  readonly name: string
  /** The peers to ask for one step of a broadcast. */
  select(request: BroadcastRequest): BroadcastDecision
  /** Whether a peer that connects while broadcast wants are live is asked them at once. */
  admit(peer: BroadcastPeerView): boolean
  /** Learns from a peer's answer to any of our wants (broadcast or targeted). */
  observe?(answer: BroadcastAnswer): void
}
