import { defaultLogger, type ComponentLogger, type Logger } from '@libp2p/logger'
import { AbortError, errorMessage, PeersLostError } from '../errors.js'
import { BASE_TICK_DELAY } from '../constants.js'
import { fetchBatch } from './block-batch.js'
import { PeerRecovery } from './peer-recovery.js'
import { SessionPeers } from './session-peers.js'
import { SessionWantSender } from './session-want-sender.js'
import { SessionWants } from './session-wants.js'
import type { SessionArrival } from './arrivals.js'
import type { Notifications, Waiter, Waiting } from './notifications.js'
import type { SessionWant } from './session-want.js'
import type { WantManager } from './want-manager.js'
import type { BitswapConfig } from '../config.js'
import type { Clock, Timer } from '../interfaces/clock.js'
import type { SessionPeerSelector } from '../interfaces/peer-selector.js'
import type { RandomSource } from '../interfaces/random.js'
import type { SessionRequestSplitter } from '../interfaces/request-splitter.js'
import type { SessionFeedback } from '../interfaces/session-feedback.js'
import type { AbortOptions, PeerKey } from '../types.js'
import type { PresenceType } from '../wire/types.js'
import type { CID } from 'multiformats/cid'

/** Wants one update pass hands to the splitter at most; more wait for the next pass, on the next turn. */
const UPDATE_BATCH = 1024

export interface SessionInit {
  /** Where this part logs; `@libp2p/logger`'s default when not given. */
  logger?: ComponentLogger
  id: number
  clock: Clock
  random: RandomSource
  config: BitswapConfig
  wantManager: WantManager
  notifications: Notifications
  selector: SessionPeerSelector
  splitter: SessionRequestSplitter
  /** The block from the local blockstore, if it is there; at once when the store answers at once. */
  local: (cid: CID, options: AbortOptions) => Uint8Array | undefined | Promise<Uint8Array | undefined>
  /** Peers that hold `cid`, already connected; undefined when the node has no provider search. */
  findProviders?: (cid: CID, options: AbortOptions) => AsyncIterable<PeerKey>
  /** Dials a peer the session lost; settles once connected (or failed). Undefined when the node cannot dial. */
  redial?: (peer: PeerKey, options: AbortOptions) => Promise<unknown>
  /** Called once when the session ends. */
  onClose: (session: Session) => void
}

export interface SessionStats {
  peers: number
  wants: number
  blocksReceived: number
  duplicateBlocks: number
  averageLatency: number | undefined
  providerSearches: number
}

/**
 * One fetch job. Its wants (`SessionWants`), its peers (`SessionPeers`) and the way wants reach the wire
 * (`SessionWantSender`) each live in their own part; the session ties them together: it learns from every
 * block, HAVE and DONT_HAVE, releases a want at once when the peer holding its WANT_BLOCK fails, asks refusers
 * again after a back-off, widens its search when stuck (idle ticks, provider searches, broadcasts), and frees
 * everything when it ends.
 */
export class Session {
  private readonly log: Logger
  readonly id: number
  private readonly init: SessionInit
  private readonly peers: SessionPeers
  private readonly wants = new SessionWants()
  private readonly sender: SessionWantSender
  /** Aborted when the session closes: ends its searches and fails the calls still waiting. */
  private readonly lifetime = new AbortController()
  private updateTimer: Timer | undefined
  private idleTimer: Timer | undefined
  /** When the idle tick is due, and when its timer fires (never later; it re-arms for what is left). */
  private idleDue = 0
  private idleTimerDue = 0
  private periodicTimer: Timer | undefined
  /** Wants every session peer refused, and when to ask the refusers again. */
  private readonly retries = new Map<SessionWant, number>()
  private retryTimer: Timer | undefined
  private retryTimerDue = Infinity
  private consecutiveTicks = 0
  /** Providers given to the session that are still being connected to. */
  private joining = 0
  /** The idle tick has once held back its broadcast for providers on their way (it does so once per session). */
  private waitedForJoining = false
  private receivedBlocks = 0
  private duplicateBlocks = 0
  private providerSearches = 0
  /** Redials and searches once every peer of the session has disconnected. */
  private readonly recovery: PeerRecovery
  /** Why the session ended, when it ended by failing: what its callers are rejected with. */
  private failure: Error | undefined
  private closed = false

  /** @internal Sessions come from `createSession()` of a node, which wires them to its client. */
  constructor (init: SessionInit) {
    this.log = (init.logger ?? defaultLogger()).forComponent('swapwright:core:session')
    this.id = init.id
    this.init = init
    this.peers = new SessionPeers(init.config.peerDontHaveLimit)
    this.sender = new SessionWantSender({
      sessionId: init.id,
      clock: init.clock,
      wantManager: init.wantManager,
      selector: init.selector,
      splitter: init.splitter
    })
    const redial = init.redial
    this.recovery = new PeerRecovery({
      clock: init.clock,
      redials: init.config.sessionRedials,
      redial: redial == null ? undefined : async peer => redial(peer, { signal: this.lifetime.signal }).then(() => { this.addPeer(peer) }),
      search: async () => this.search(this.oldestWant()?.cid),
      stranded: () => this.stranded,
      // Peers connected outside the session heard the broadcast: give them the first idle tick's time to answer.
      grace: () => init.wantManager.connectedPeers().length > 0 ? init.config.providerSearchDelay : 0,
      giveUp: lost => { this.giveUp(lost) }
    })
  }

  get isClosed (): boolean {
    return this.closed
  }

  /** Adds a peer that has (or may have) the session's blocks. */
  addPeer (peer: PeerKey): void {
    if (this.closed || this.peers.has(peer)) return
    // A block or HAVE still in flight when its peer disconnected must not bring the peer back: wants sent to it
    // would go nowhere and wait for a timeout that never comes.
    if (this.init.wantManager.queue(peer) == null) return
    this.peers.add(peer)
    this.feedback({ type: 'peer-added', peer })
    // A new peer can be asked about everything still wanted.
    this.wants.markAllDirty()
    this.scheduleUpdate()
  }

  /**
   * A provider is being connected to and joins when `joined` settles. Until every such provider has joined or
   * failed, the session asks nobody else: a broadcast WANT_HAVE would also reach the provider as it connects, and
   * for a small block (answered whole) the WANT_BLOCK that follows when it joins brings the block twice.
   */
  awaitProvider (joined: Promise<unknown>): void {
    this.joining++
    void joined.finally(() => {
      this.joining--
      // the session's last peer may have gone while this one was on its way and then failed to join
      this.recoverIfStranded()
      this.scheduleUpdate()
    })
  }

  removePeer (peer: PeerKey): void {
    if (!this.peers.delete(peer)) return
    for (const want of this.wants.values()) {
      const hadBlockWant = want.blockSentTo.has(peer)
      want.forgetPeer(peer)
      if (hadBlockWant) this.wants.markDirty(want)
      else if (want.exhausted(this.peers.all)) this.onExhausted(want)
    }
    this.feedback({ type: 'peer-removed', peer })
    this.scheduleUpdate()
  }

  /** A peer connected to the node: a peer this session lost comes back at once while the session has none. */
  peerConnected (peer: PeerKey): void {
    if (this.peers.size === 0 && this.recovery.knows(peer)) this.addPeer(peer)
  }

  hasPeer (peer: PeerKey): boolean {
    return this.peers.has(peer)
  }

  /** One block: from the blockstore if it is there, else from the session's peers. */
  async getBlock (cid: CID, options: AbortOptions = {}): Promise<Uint8Array> {
    const signal = options.signal == null ? this.lifetime.signal : AbortSignal.any([options.signal, this.lifetime.signal])
    const waiting = await this.request(cid, signal)
    if (waiting instanceof Uint8Array) return waiting
    const onAbort = (): void => { waiting.cancel(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      return await waiting.promise
    } catch (err) {
      // A caller that gives up releases its share of the want.
      this.dropCaller(cid)
      throw this.failure ?? err
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  /**
   * Many blocks, yielded as they arrive (not in request order). Up to `maxBatchWants` are wanted at once (and
   * about `maxBatchBytes` of them), which is what lets the splitter spread them over peers; one more is wanted
   * per block taken (see `fetchBatch`).
   * Stopping the iteration or aborting the signal withdraws what is left.
   */
  getBlocks (cids: Iterable<CID>, options: AbortOptions = {}): AsyncGenerator<{ cid: CID, bytes: Uint8Array }> {
    const signals = options.signal == null ? [this.lifetime.signal] : [this.lifetime.signal, options.signal]
    return fetchBatch({
      lookUp: (cid, signal) => this.lookUp(cid, signal),
      want: (cid, waiter) => { this.listen(cid, waiter) },
      withdraw: (cid, waiter) => this.init.notifications.withdraw(cid, waiter),
      dropCaller: cid => { this.dropCaller(cid) },
      closed: () => this.closed,
      failure: () => this.failure
    }, cids, signals, this.init.config.maxBatchWants, this.init.config.maxBatchBytes)
  }

  /** Registers `waiter` for the block and wants it. */
  private listen (cid: CID, waiter: Waiter): void {
    this.init.notifications.add(cid, waiter)
    this.addWant(cid)
  }

  /** The block from the blockstore, or undefined when the network has to be asked. */
  private lookUp (cid: CID, signal: AbortSignal): Uint8Array | undefined | Promise<Uint8Array | undefined> {
    if (this.closed) throw new AbortError('The session is closed')
    signal.throwIfAborted()
    return this.init.local(cid, { signal })
  }

  /** The block from the blockstore, or a registered wait for it from the network. */
  private async request (cid: CID, signal: AbortSignal): Promise<Uint8Array | Waiting> {
    const local = await this.lookUp(cid, signal)
    if (local != null) return local
    if (this.closed) throw new AbortError('The session is closed')
    signal.throwIfAborted()
    const waiting = this.init.notifications.wait(cid)
    this.addWant(cid)
    return waiting
  }

  /**
   * Verified blocks of one message arrived from `peer` (the client stored them and will wake the waiters): what
   * each teaches is recorded per block, and the rest (cancels, the window's refill, the idle tick) once.
   */
  blocksReceived (peer: PeerKey, blocks: readonly SessionArrival[]): void {
    if (this.closed) return
    const now = this.init.clock.now()
    const received: CID[] = []
    for (const { cid, size } of blocks) {
      const want = this.wants.get(cid)
      if (want == null) continue
      const askedAt = want.askedAt(peer) ?? want.broadcastAt
      const latency = askedAt == null ? undefined : now - askedAt
      if (received.length === 0) this.addPeer(peer)
      this.peers.delivered(peer, now, latency)
      this.sender.blockArrived(cid, size)
      this.forget(want)
      this.receivedBlocks++
      // the want's own CID, not the one off the wire: policies key their state by it, and its string is made once
      this.feedback({ type: 'block', peer, cid: want.cid, latency, first: true, duplicate: false })
      received.push(cid)
    }
    if (received.length === 0) return
    this.init.wantManager.cancel(this.id, received)
    this.consecutiveTicks = 0
    this.armIdleTick()
  }

  /** A block this session already had arrived again: wasted bandwidth, counted per session. */
  duplicateReceived (peer: PeerKey, cid: CID): void {
    if (this.closed) return
    this.duplicateBlocks++
    if (this.init.splitter.duplicateSendersJoin === true) this.addPeer(peer)
    this.feedback({ type: 'block', peer, cid, latency: undefined, first: false, duplicate: true })
  }

  /**
   * What `peer` said about a want, or (`timedOut`) that it stayed silent past its timeout, which counts as
   * DONT_HAVE. Any failure releases the want to the splitter at once, whatever the peer said before.
   */
  presenceReceived (peer: PeerKey, cid: CID, type: PresenceType, timedOut = false): void {
    if (this.closed) return
    const want = this.wants.get(cid)
    if (want == null) return
    const now = this.init.clock.now()
    if (type === 'have') {
      want.heardHave(peer)
      this.retries.delete(want)
      this.addPeer(peer)
      this.peers.answered(peer, now)
      this.feedback({ type: 'have', peer, cid: want.cid })
      // As in boxo, a HAVE is the splitter's business only for a want with no WANT_BLOCK out: with one out, the
      // block is on its way, and a pass per HAVE (from four seeds, three per block) would cost more than the
      // block. The selector has heard it; if the WANT_BLOCK fails, the splitter sees who said HAVE.
      if (want.blockSentTo.size > 0) return
    } else {
      if (!this.peers.has(peer)) return
      want.failed(peer, timedOut)
      this.feedback({ type: 'dont-have', peer, cid: want.cid, timedOut })
      if (this.peers.refused(peer, now, timedOut)) this.dropRefuser(peer)
      if (want.exhausted(this.peers.all)) this.onExhausted(want)
    }
    this.wants.markDirty(want)
    this.scheduleUpdate()
  }

  /**
   * The peer disconnected. When it was the session's last peer and wants are left, the session dials its lost
   * peers again and looks for providers at once (see `PeerRecovery`), and fails if nobody can be found.
   */
  peerDisconnected (peer: PeerKey): void {
    if (!this.peers.has(peer)) return
    this.removePeer(peer)
    this.recovery.peerLost(peer)
    if (this.stranded) this.recovery.start()
  }

  /** Wants left, no peer, and none on its way. */
  /** Looks for the lost peers again when the session has none left, none on its way, and wants. */
  private recoverIfStranded (): void {
    if (this.recovery.hasLost && !this.recovery.running && this.stranded) this.recovery.start()
  }

  private get stranded (): boolean {
    return !this.closed && this.peers.size === 0 && this.joining === 0 && this.wants.size > 0
  }

  private oldestWant (): SessionWant | undefined {
    return this.wants.values().next().value
  }

  /** Nobody could be found: the callers are told so, naming a block still wanted, and the session ends. */
  private giveUp (lost: PeerKey[]): void {
    const want = this.oldestWant()
    if (want == null) return
    this.failure = new PeersLostError(want.cid, lost, this.wants.size)
    this.log('session %d gives up: %s', this.id, this.failure.message)
    this.close()
  }

  stats (): SessionStats {
    return {
      peers: this.peers.size,
      wants: this.wants.size,
      blocksReceived: this.receivedBlocks,
      duplicateBlocks: this.duplicateBlocks,
      averageLatency: this.peers.averageLatency,
      providerSearches: this.providerSearches
    }
  }

  /** Ends the session: cancels its wants on the wire, stops its timers and searches, forgets its state. */
  close (): void {
    if (this.closed) return
    this.closed = true
    this.updateTimer?.cancel()
    this.idleTimer?.cancel()
    this.periodicTimer?.cancel()
    this.retryTimer?.cancel()
    this.recovery.stop()
    this.lifetime.abort(this.failure)
    this.init.wantManager.cancel(this.id, [...this.wants.values()].map(want => want.cid))
    this.wants.clear()
    this.retries.clear()
    this.peers.clear()
    this.init.onClose(this)
  }

  private addWant (cid: CID): void {
    if (this.wants.add(cid) == null) return
    // Wanted after the session lost its peers (between two calls of a walk): the lost are looked for again.
    this.recoverIfStranded()
    this.scheduleUpdate()
    this.armIdleTick()
    this.armPeriodicSearch()
  }

  private dropCaller (cid: CID): void {
    const want = this.wants.get(cid)
    if (want == null || --want.callers > 0) return
    this.forget(want)
    this.init.wantManager.cancel(this.id, [cid])
  }

  private feedback (event: SessionFeedback): void {
    this.init.selector.observe(event)
    this.init.splitter.observe(event)
  }

  /** A peer that refused `peerDontHaveLimit` wants in a row leaves, unless it holds a HAVE for one still wanted. */
  private dropRefuser (peer: PeerKey): void {
    for (const want of this.wants.values()) if (want.haves.has(peer)) return
    this.log('session %d drops %s after %d DONT_HAVEs in a row', this.id, peer, this.init.config.peerDontHaveLimit)
    this.removePeer(peer)
  }

  /**
   * Nobody in the session has it: ask everyone connected, look for providers, and ask the peers that refused it
   * again after a back-off, since a peer may get the block later (before the rebroadcast, which is far off).
   */
  private onExhausted (want: SessionWant): void {
    this.broadcast([want])
    void this.search(want.cid)
    if (this.retries.has(want)) return
    const delay = Math.min(this.init.config.dontHaveRetryDelay * 2 ** want.retries, this.init.config.rebroadcastInterval)
    this.retries.set(want, this.init.clock.now() + delay)
    this.armRetry()
  }

  /** One timer for the earliest retry due. */
  private armRetry (): void {
    let due = Infinity
    for (const at of this.retries.values()) due = Math.min(due, at)
    if (due === this.retryTimerDue) return
    this.retryTimer?.cancel()
    this.retryTimer = undefined
    this.retryTimerDue = due
    if (due === Infinity || this.closed) return
    this.retryTimer = this.init.clock.setTimeout(() => {
      this.retryTimer = undefined
      this.retryTimerDue = Infinity
      this.retryRefused()
    }, Math.max(0, due - this.init.clock.now()))
  }

  private retryRefused (): void {
    if (this.closed) return
    const now = this.init.clock.now()
    for (const [want, at] of this.retries) {
      if (at > now) continue
      this.retries.delete(want)
      if (this.wants.get(want.cid) !== want) continue
      const refusers = want.forgetRefusals().filter(peer => this.peers.has(peer))
      if (refusers.length === 0) continue
      want.retries++
      this.log('session %d asks %d peers again for %s', this.id, refusers.length, want.cid)
      this.sender.reask(want, refusers)
    }
    this.armRetry()
  }

  /** Coalesces changes made in one turn into one pass of the selector and splitter. */
  private scheduleUpdate (): void {
    if (this.closed || this.updateTimer != null) return
    this.updateTimer = this.init.clock.setTimeout(() => {
      this.updateTimer = undefined
      this.update()
    }, 0)
  }

  /**
   * One pass of the selector and splitter over what changed: live wants first, then new wants while the window
   * has room, at most UPDATE_BATCH of them. A fetch of thousands of blocks then gets its first wants on the wire
   * after one batch of work, not after all of it; the next pass follows on the next turn.
   */
  private update (): void {
    if (this.closed) return
    const discovering = this.peers.size === 0
    // Providers on their way are asked directly once they join (a session with no peer yet still broadcasts at its
    // idle tick if they are slow; one with a peer waits for them).
    if (discovering && this.joining > 0) return
    // New wants go out only while the window has room; the rest stay queued until a block frees a place.
    const room = Math.min(
      this.init.splitter.maxLiveWants ?? Infinity,
      discovering ? this.init.config.broadcastLiveWantsLimit : Infinity
    ) - this.wants.liveCount
    const { wants, more } = this.wants.take(room, UPDATE_BATCH, discovering)
    if (more) this.scheduleUpdate()
    if (discovering) {
      // Nobody known yet: ask every connected peer about the first wants.
      this.broadcast(wants)
      return
    }
    for (const want of this.sender.send(wants, this.peers.all)) this.wants.markLive(want)
  }

  /** A want left the session (received or withdrawn): its place in the window goes to the next one. */
  private forget (want: SessionWant): void {
    this.retries.delete(want)
    if (this.wants.forget(want)) this.scheduleUpdate()
  }

  private broadcast (wants: readonly SessionWant[]): void {
    for (const want of wants) this.wants.markLive(want)
    this.sender.broadcast(wants, this.peers.all)
  }

  /**
   * The idle tick: when no block has arrived for a while, broadcast the live wants and (on the first tick of a
   * quiet spell) look for providers. The wait grows with each quiet tick in a row.
   */
  private armIdleTick (): void {
    if (this.closed) return
    if (this.wants.size === 0) {
      this.idleTimer?.cancel()
      this.idleTimer = undefined
      return
    }
    const { providerSearchDelay } = this.init.config
    const latency = this.peers.averageLatency
    const base = latency == null ? providerSearchDelay : BASE_TICK_DELAY + 3 * latency
    const delay = this.consecutiveTicks === 0 ? providerSearchDelay : base * (1 + this.consecutiveTicks)
    this.idleDue = this.init.clock.now() + delay
    // Every block pushes the tick back. A timer already set for no later than the new time is kept: when it
    // fires it waits the rest. That is one timer per quiet spell instead of one per block.
    if (this.idleTimer != null && this.idleTimerDue <= this.idleDue) return
    this.setIdleTimer(delay)
  }

  private setIdleTimer (delay: number): void {
    this.idleTimer?.cancel()
    this.idleTimerDue = this.init.clock.now() + delay
    this.idleTimer = this.init.clock.setTimeout(() => {
      this.idleTimer = undefined
      const rest = this.idleDue - this.init.clock.now()
      if (rest > 0) {
        this.setIdleTimer(rest)
        return
      }
      this.onIdleTick()
    }, delay)
  }

  private onIdleTick (): void {
    if (this.closed || this.wants.size === 0) return
    // A session with a peer and providers still on their way waits for them: they are asked directly when they
    // join, while a broadcast would reach them as they connect and have them send a small block (answered whole)
    // that the session's peer was asked for already: twice. It waits one tick only: a connection that hangs
    // must not keep the session from broadcasting and searching for good.
    if (this.joining > 0 && this.peers.size > 0 && !this.waitedForJoining) {
      this.waitedForJoining = true
      this.armIdleTick()
      return
    }
    const limit = this.init.config.broadcastLiveWantsLimit
    const all = [...this.wants.values()]
    let live = all.filter(want => want.live).slice(0, limit)
    if (live.length === 0) live = all.slice(0, Math.min(limit, this.init.splitter.maxLiveWants ?? limit))
    this.broadcast(live)
    if (this.consecutiveTicks === 0 && live.length > 0) void this.search(live[0].cid)
    this.consecutiveTicks++
    this.armIdleTick()
  }

  private armPeriodicSearch (): void {
    if (this.closed || this.periodicTimer != null) return
    this.periodicTimer = this.init.clock.setTimeout(() => {
      this.periodicTimer = undefined
      if (this.closed || this.wants.size === 0) return
      const wants = [...this.wants.values()]
      const want = wants[Math.floor(this.init.random.next() * wants.length)]
      this.broadcast([want])
      void this.search(want.cid)
      this.armPeriodicSearch()
    }, this.init.config.periodicSearchDelay)
  }

  /** Peers found for `cid` join the session as they come; settles when the search ends. */
  private async search (cid: CID | undefined): Promise<void> {
    const find = this.init.findProviders
    if (find == null || cid == null || this.closed) return
    this.providerSearches++
    try {
      for await (const peer of find(cid, { signal: this.lifetime.signal })) {
        if (this.closed) return
        this.addPeer(peer)
      }
    } catch (err) {
      if (!this.closed) this.log('provider search for %s failed: %s', cid, errorMessage(err))
    }
  }
}
