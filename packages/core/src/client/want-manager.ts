import { blockKey } from '../wire/prefix.js'
import { MessageQueue, type MessageQueueInit } from './message-queue.js'
import type { PeerKey } from '../types.js'
import type { CID } from 'multiformats/cid'

interface Interest {
  cid: CID
  /**
   * Sessions that want the block: never written to in place unless `ownsSessions` (see `join`), so a
   * want of one session, nearly every want, shares that session's one-member set instead of making its own.
   */
  sessions: ReadonlySet<number>
  ownsSessions: boolean
  /**
   * Sessions that broadcast it: every peer, including ones that connect later, is asked WANT_HAVE. Made on the
   * first broadcast: most wants of a fetch are only ever targeted, and a set per want was a fifth of the sets a
   * fetch of small blocks allocated.
   */
  broadcasters: Set<number> | undefined
}

export type QueueFactory = (peer: PeerKey) => MessageQueue

/** Who hears a broadcast: the node's broadcast policy (see `WantBroadcaster`). */
export interface BroadcastTargets {
  /** Offers the wants (through `offerHaves`) to the peers the policy picks, now and as it widens. */
  broadcast(cids: readonly CID[], except?: ReadonlySet<PeerKey>): void
  /** Whether a peer that just connected hears the live broadcast wants. */
  admits(peer: PeerKey): boolean
}

/**
 * The node's wantlist across sessions, and one message queue per connected peer. Two sessions wanting one CID
 * make one wire want; cancelling one session keeps the other's; when nobody wants a CID any more, every peer
 * that was asked for it hears CANCEL.
 */
export class WantManager {
  private readonly interests = new Map<string, Interest>()
  private readonly queues = new Map<PeerKey, MessageQueue>()
  private readonly newQueue: QueueFactory
  /** Who hears broadcasts; without it, every connected peer outside the session, as before policies. */
  targets: BroadcastTargets | undefined

  constructor (newQueue: QueueFactory | Omit<MessageQueueInit, 'peer'>) {
    this.newQueue = typeof newQueue === 'function' ? newQueue : (peer) => new MessageQueue({ ...newQueue, peer })
  }

  peerConnected (peer: PeerKey): void {
    if (this.queues.has(peer)) return
    const queue = this.newQueue(peer)
    this.queues.set(peer, queue)
    let admitted: boolean | undefined
    for (const interest of this.interests.values()) {
      if (interest.broadcasters === undefined || interest.broadcasters.size === 0) continue
      admitted ??= this.targets?.admits(peer) ?? true
      if (!admitted) return
      queue.offerHave(interest.cid)
    }
  }

  peerDisconnected (peer: PeerKey): void {
    this.queues.get(peer)?.stop()
    this.queues.delete(peer)
  }

  connectedPeers (): PeerKey[] {
    return [...this.queues.keys()]
  }

  queue (peer: PeerKey): MessageQueue | undefined {
    return this.queues.get(peer)
  }

  /** Targeted wants of a session; they ask for DONT_HAVE so a silent or empty-handed peer is noticed. */
  sendWants (session: number, peer: PeerKey, wantBlocks: readonly CID[], wantHaves: readonly CID[]): { blocks: CID[], haves: CID[] } {
    const queue = this.queues.get(peer)
    const sent = { blocks: [] as CID[], haves: [] as CID[] }
    for (const cid of wantBlocks) {
      this.join(this.interest(cid), session)
      if (queue?.wantBlock(cid, true) === true) sent.blocks.push(cid)
    }
    for (const cid of wantHaves) {
      this.join(this.interest(cid), session)
      if (queue?.wantHave(cid, true) === true) sent.haves.push(cid)
    }
    return sent
  }

  /** Asks `peer` again whether it has `cid`, though it was asked before (see `MessageQueue.askAgain`). */
  askAgain (session: number, peer: PeerKey, cid: CID): void {
    this.join(this.interest(cid), session)
    this.queues.get(peer)?.askAgain(cid)
  }

  /**
   * Asks every connected peer (but those in `except`), and every peer that connects while the want lasts,
   * whether it has these blocks.
   */
  broadcastWantHaves (session: number, cids: readonly CID[], except?: ReadonlySet<PeerKey>): void {
    for (const cid of cids) {
      const interest = this.interest(cid)
      this.join(interest, session)
      interest.broadcasters ??= new Set()
      interest.broadcasters.add(session)
    }
    if (this.targets != null) {
      this.targets.broadcast(cids, except)
      return
    }
    for (const cid of cids) {
      for (const [peer, queue] of this.queues) if (except?.has(peer) !== true) queue.offerHave(cid)
    }
  }

  /** Offers broadcast WANT_HAVEs to one peer: those of `cids` some session still broadcasts. */
  offerHaves (peer: PeerKey, cids: readonly CID[]): void {
    const queue = this.queues.get(peer)
    if (queue == null) return
    for (const cid of cids) if (this.isBroadcastWant(cid)) queue.offerHave(cid)
  }

  /** Some session still broadcasts a want for the CID. */
  isBroadcastWant (cid: CID): boolean {
    return (this.interests.get(blockKey(cid))?.broadcasters?.size ?? 0) > 0
  }

  /** The peer was asked (either way) about every one of `cids`; false for a peer not connected. */
  askedAll (peer: PeerKey, cids: readonly CID[]): boolean {
    const queue = this.queues.get(peer)
    return queue != null && cids.every(cid => queue.wantType(cid) !== undefined)
  }

  /** A session no longer wants these; CIDs no session wants any more are cancelled on the wire. */
  cancel (session: number, cids: readonly CID[]): void {
    const gone: CID[] = []
    for (const cid of cids) {
      const key = blockKey(cid)
      const interest = this.interests.get(key)
      if (interest == null) continue
      leave(interest, session)
      interest.broadcasters?.delete(session)
      if (interest.sessions.size === 0) {
        this.interests.delete(key)
        gone.push(cid)
      }
    }
    if (gone.length > 0) for (const queue of this.queues.values()) queue.cancel(gone)
  }

  /**
   * A block arrived: nobody wants it from anyone any more, and a second copy counts as a duplicate from now on.
   * The CANCELs it causes go out with the rest of its message's, through `cancelReceived`.
   */
  claim (cid: CID): void {
    this.interests.delete(blockKey(cid))
  }

  /**
   * The blocks of one message from `from`, claimed: every other peer asked for them gets a CANCEL, in one pass
   * over the queues per message. The sender dropped the wants when it sent the blocks, so it gets none; the
   * places they hold in its window are let go by `written`, once the blocks are stored.
   */
  cancelReceived (cids: readonly CID[], from?: PeerKey): void {
    if (cids.length === 0) return
    for (const [peer, queue] of this.queues) {
      if (peer !== from) queue.cancel(cids)
      else queue.delivered(cids)
    }
  }

  /**
   * Blocks `from` sent are stored (or failed to be): the places they held among the wants in flight to it go to
   * the next wants, with no CANCEL. Held until now, a block received but not yet written counts against the
   * peer's window (`maxWantsInFlightPerPeer`), so a fetch asks no faster than its store writes and the blocks
   * waiting for the disk stay bounded.
   */
  written (cids: readonly CID[], from: PeerKey): void {
    if (cids.length === 0) return
    const queue = this.queues.get(from)
    if (queue == null) return
    queue.cancel(cids, false)
    // The wants admitted to the freed places go out with this message's work, not after the reads queued behind it.
    queue.sendNow()
  }

  /**
   * One block arrived from `from` and is already stored: `claim`, then one pass over the queues: a CANCEL to
   * every other peer, and the sender's place let go at once (`cancelReceived` and `written` together).
   */
  blockReceived (cid: CID, from?: PeerKey): void {
    if (!this.interests.has(blockKey(cid))) return
    this.claim(cid)
    for (const [peer, queue] of this.queues) queue.cancel([cid], peer !== from)
  }

  /** Sessions that want the CID. */
  sessionsWanting (cid: CID): ReadonlySet<number> {
    return this.interests.get(blockKey(cid))?.sessions ?? EMPTY
  }

  /** The CID wanted under a `blockKey`, as it was asked for, and the sessions that want it; undefined if none. */
  wantedByKey (key: string): { cid: CID, sessions: ReadonlySet<number> } | undefined {
    return this.interests.get(key)
  }

  /** The CID as it was asked for (a CIDv0 want matched by a CIDv1 block keeps its v0 form). */
  wantedCid (cid: CID): CID | undefined {
    return this.interests.get(blockKey(cid))?.cid
  }

  isWanted (cid: CID): boolean {
    return this.interests.has(blockKey(cid))
  }

  /** The node's whole wantlist. */
  wantlist (): CID[] {
    return [...this.interests.values()].map(interest => interest.cid)
  }

  stop (): void {
    for (const queue of this.queues.values()) queue.stop()
    this.queues.clear()
    this.interests.clear()
  }

  /** The one-member set of the session that last joined an interest alone: shared by its wants, never written to. */
  private single: ReadonlySet<number> = EMPTY

  /** Adds `session` to the interest's sessions: the shared one-member set for a first session, else a set of its own. */
  private join (interest: Interest, session: number): void {
    const sessions = interest.sessions
    if (sessions.has(session)) return
    if (sessions.size === 0) {
      if (!this.single.has(session)) this.single = new Set([session])
      interest.sessions = this.single
      interest.ownsSessions = false
      return
    }
    if (interest.ownsSessions) {
      (sessions as Set<number>).add(session)
      return
    }
    interest.sessions = new Set([...sessions, session])
    interest.ownsSessions = true
  }

  private interest (cid: CID): Interest {
    const key = blockKey(cid)
    let interest = this.interests.get(key)
    if (interest == null) {
      interest = { cid, sessions: EMPTY, ownsSessions: false, broadcasters: undefined }
      this.interests.set(key, interest)
    }
    return interest
  }
}

const EMPTY: ReadonlySet<number> = new Set()

/** Takes `session` out of the interest's sessions (a shared set is swapped, never written to). */
function leave (interest: Interest, session: number): void {
  if (!interest.sessions.has(session)) return
  if (interest.ownsSessions) {
    (interest.sessions as Set<number>).delete(session)
    return
  }
  if (interest.sessions.size === 1) {
    interest.sessions = EMPTY
    return
  }
  const rest = new Set(interest.sessions)
  rest.delete(session)
  interest.sessions = rest
  interest.ownsSessions = true
}
