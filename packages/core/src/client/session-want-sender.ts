import { SMALL_BLOCK_SIZE } from '../constants.js'
import { blockKey } from '../wire/prefix.js'
import type { SessionWant } from './session-want.js'
import type { WantManager } from './want-manager.js'
import type { Clock } from '../interfaces/clock.js'
import type { SessionPeerSelector } from '../interfaces/peer-selector.js'
import type { PendingWant, SessionRequestSplitter } from '../interfaces/request-splitter.js'
import type { PeerKey } from '../types.js'
import type { CID } from 'multiformats/cid'

/**
 * A want as the splitter sees it, ranked only when the splitter reads `ranked`: a splitter with nothing left to
 * send for a want (its WANT_BLOCK is out and every peer was asked) then costs no ranking, which in a swarm of
 * hundreds of peers answering one by one was most of a session's work.
 */
class LazyPendingWant implements PendingWant {
  readonly cid: CID
  readonly blockSentTo: ReadonlySet<PeerKey>
  readonly haveSentTo: ReadonlySet<PeerKey>
  private order: PeerKey[] | undefined

  constructor (
    want: SessionWant,
    private readonly selector: SessionPeerSelector,
    private readonly candidates: readonly PeerKey[],
    readonly peers: ReadonlySet<PeerKey>,
    readonly haveAnswersWithBlock: boolean
  ) {
    this.cid = want.cid
    this.blockSentTo = want.blockSentTo
    this.haveSentTo = want.haveSentTo
  }

  get ranked (): readonly PeerKey[] {
    this.order ??= this.selector.rank(this.cid, this.candidates)
    return this.order
  }
}

/** Weight of the newest block in the session's share of small blocks. */
const SMALL_SHARE_ALPHA = 0.25

export interface SessionWantSenderInit {
  sessionId: number
  clock: Clock
  wantManager: WantManager
  selector: SessionPeerSelector
  splitter: SessionRequestSplitter
}

/**
 * How one session's wants reach the wire: the selector ranks the peers for each want, the splitter assigns
 * wants to peers as WANT_BLOCK or WANT_HAVE, and the assignments go to the peers' queues, recorded on each want.
 *
 * It also learns how large the session's blocks are. Servers answer a WANT_HAVE for a block of at most 1024
 * bytes with the block itself (Go does, and so do we), so for small blocks a WANT_HAVE costs a whole copy; the
 * splitter is told, and the Go default then asks one peer at a time.
 */
export class SessionWantSender {
  private readonly init: SessionWantSenderInit
  /**
   * Share of recent blocks small enough to come back for a WANT_HAVE (moving average), per codec: a DAG's nodes of
   * one codec are usually alike (raw leaves are the file's chunks, dag-pb nodes hold links), while the levels of
   * a walk alternate between them, so one average over all blocks would judge a level of 1 KiB leaves by the
   * 8 KiB link nodes above it. A codec not seen yet reads as small: until a block shows otherwise, a WANT_HAVE
   * may cost a copy (a file's root usually is small), so its first wants go to one peer at a time.
   */
  private readonly smallShare = new Map<number, number>()

  constructor (init: SessionWantSenderInit) {
    this.init = init
  }

  /** Whether a WANT_HAVE for `cid` is likely to be answered with the whole block. */
  haveAnswersWithBlock (cid: CID): boolean {
    return (this.smallShare.get(cid.code) ?? 1) > 0.5
  }

  /** A block `cid` of `size` bytes arrived for the session. */
  blockArrived (cid: CID, size: number): void {
    const small = size <= SMALL_BLOCK_SIZE ? 1 : 0
    const share = this.smallShare.get(cid.code) ?? 1
    this.smallShare.set(cid.code, SMALL_SHARE_ALPHA * small + (1 - SMALL_SHARE_ALPHA) * share)
  }

  /**
   * One pass over `wants` to the session's `peers`. Returns the wants that went to at least one peer (a want
   * may be listed twice).
   */
  send (wants: readonly SessionWant[], peers: ReadonlySet<PeerKey>): SessionWant[] {
    if (wants.length === 0 || peers.size === 0) return []
    const order = [...peers]
    // By the CID object a splitter hands back (the want's own): an identity lookup per assignment, where a lookup
    // by block key cost a weak-map probe and a string-keyed map. A splitter that hands back other CID objects
    // still finds its wants by key.
    const byCid = new Map<CID, SessionWant>()
    let byKey: Map<string, SessionWant> | undefined
    const pending: PendingWant[] = wants.map(want => {
      byCid.set(want.cid, want)
      return new LazyPendingWant(want, this.init.selector, order, peers, this.haveAnswersWithBlock(want.cid))
    })
    const byPeer = new Map<PeerKey, { blocks: CID[], haves: CID[] }>()
    const sent: SessionWant[] = []
    const now = this.init.clock.now()
    for (const assignment of this.init.splitter.split(pending)) {
      let want = byCid.get(assignment.cid)
      if (want == null) {
        byKey ??= new Map(wants.map(w => [w.key, w]))
        want = byKey.get(blockKey(assignment.cid))
      }
      if (want == null || !peers.has(assignment.peer)) continue
      let batch = byPeer.get(assignment.peer)
      if (batch == null) {
        batch = { blocks: [], haves: [] }
        byPeer.set(assignment.peer, batch)
      }
      if (assignment.wantType === 'block') {
        if (want.blockSentTo.has(assignment.peer)) continue
        want.sentBlock(assignment.peer, now)
        batch.blocks.push(want.cid)
      } else {
        if (want.haveSentTo.has(assignment.peer) || want.blockSentTo.has(assignment.peer)) continue
        want.sentHave(assignment.peer, now)
        batch.haves.push(want.cid)
      }
      sent.push(want)
    }
    for (const [peer, batch] of byPeer) {
      this.init.wantManager.sendWants(this.init.sessionId, peer, batch.blocks, batch.haves)
    }
    return sent
  }

  /** Asks `peers` again, with a WANT_HAVE, whether they have the want's block now. */
  reask (want: SessionWant, peers: readonly PeerKey[]): void {
    const now = this.init.clock.now()
    for (const peer of peers) {
      want.sentHave(peer, now)
      this.init.wantManager.askAgain(this.init.sessionId, peer, want.cid)
    }
  }

  /**
   * Asks every connected peer outside the session (and every peer that connects while the wants last) whether
   * it has these. The session's own peers are the splitter's to ask: a broadcast to them would undo its choice
   * (for small blocks, asking one at a time) and bring a copy from each.
   */
  broadcast (wants: readonly SessionWant[], sessionPeers: ReadonlySet<PeerKey>): void {
    if (wants.length === 0) return
    const now = this.init.clock.now()
    for (const want of wants) want.broadcastAt = now
    this.init.wantManager.broadcastWantHaves(this.init.sessionId, wants.map(want => want.cid), sessionPeers)
  }
}
