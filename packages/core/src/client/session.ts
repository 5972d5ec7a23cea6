import { logger } from '@libp2p/logger'
import { AbortError } from '../errors.js'
import { Fifo } from '../util/fifo.js'
import { LruMap } from '../util/lru-map.js'
import { blockKey } from '../wire/prefix.js'
import { isPromiseLike } from '../wire/verify.js'
import { SessionWant } from './session-want.js'
import { BASE_TICK_DELAY } from '../constants.js'
import type { Notifications, Waiter, Waiting } from './notifications.js'
import type { WantManager } from './want-manager.js'
import type { BitswapConfig } from '../config.js'
import type { Clock, Timer } from '../interfaces/clock.js'
import type { SessionPeerSelector } from '../interfaces/peer-selector.js'
import type { RandomSource } from '../interfaces/random.js'
import type { PendingWant, SessionRequestSplitter } from '../interfaces/request-splitter.js'
import type { SessionFeedback } from '../interfaces/session-feedback.js'
import type { AbortOptions, PeerKey } from '../types.js'
import type { PresenceType } from '../wire/types.js'
import type { CID } from 'multiformats/cid'

const log = logger('swapwright:core:session')

/** Wants one update pass hands to the splitter at most; more wait for the next pass, on the next turn. */
const UPDATE_BATCH = 1024

/** Responses slower than this are outliers (a peer that was asleep), not latency. */
const MAX_VALID_LATENCY = 30_000

/** What a `getBlocks` batch hands its consumer: a block, or the error that ends the batch. */
type Arrival = { cid: CID, bytes: Uint8Array } | { error: unknown }

interface BatchWaiter extends Waiter {
  cid: CID
}

export interface SessionInit {
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
 * One fetch job: the wants it still needs, the peers it talks to, and the per-session state of the peer selector
 * and request splitter. It sends wants through the WantManager, learns from every block, HAVE and DONT_HAVE,
 * widens its search when stuck (idle ticks, provider searches, broadcasts), and frees everything when it ends.
 */
export class Session {
  readonly id: number
  private readonly init: SessionInit
  private readonly peers = new Set<PeerKey>()
  private readonly wants = new Map<string, SessionWant>()
  /** Live wants whose situation changed since the splitter last saw them. */
  private readonly dirtyLive = new Set<string>()
  /** Wants not sent to anyone yet that the splitter should look at, oldest first. */
  private readonly queued = new Set<string>()
  private readonly received: LruMap<string, true>
  private readonly dontHaveStreak = new Map<PeerKey, number>()
  /** Aborted when the session closes: ends its searches and fails the calls still waiting. */
  private readonly lifetime = new AbortController()
  private updateTimer: Timer | undefined
  private idleTimer: Timer | undefined
  /** When the idle tick is due, and when its timer fires (never later; it re-arms for what is left). */
  private idleDue = 0
  private idleTimerDue = 0
  private periodicTimer: Timer | undefined
  /** Wants sent to someone and not yet received or withdrawn. */
  private liveCount = 0
  private consecutiveTicks = 0
  /** Each peer's response latency (EWMA, weight 0.5 on the newest sample). */
  private readonly peerLatencies = new Map<PeerKey, number>()
  private latencyTotal = 0
  private latencyCount = 0
  private blocksReceived = 0
  private duplicateBlocks = 0
  private providerSearches = 0
  private closed = false

  /** @internal Sessions come from `createSession()` of a node, which wires them to its client. */
  constructor (init: SessionInit) {
    this.id = init.id
    this.init = init
    this.received = new LruMap(init.config.sessionReceivedMemory)
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
    for (const want of this.wants.values()) this.markDirty(want)
    this.scheduleUpdate()
  }

  removePeer (peer: PeerKey): void {
    if (!this.peers.delete(peer)) return
    this.dontHaveStreak.delete(peer)
    this.peerLatencies.delete(peer)
    for (const want of this.wants.values()) {
      const hadBlockWant = want.blockSentTo.has(peer)
      want.forgetPeer(peer)
      if (hadBlockWant) this.markDirty(want)
    }
    this.feedback({ type: 'peer-removed', peer })
    this.scheduleUpdate()
  }

  /** How fast `peer` has answered this session's wants, in ms; undefined until it delivered one. */
  peerLatency (peer: PeerKey): number | undefined {
    return this.peerLatencies.get(peer)
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
      return await this.settle(cid, waiting)
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  /**
   * Many blocks, yielded as they arrive (not in request order). All are wanted at once, which is what lets the
   * splitter spread them over peers. Stopping the iteration or aborting the signal withdraws what is left.
   */
  async * getBlocks (cids: Iterable<CID>, options: AbortOptions = {}): AsyncGenerator<{ cid: CID, bytes: Uint8Array }> {
    // One plain controller for the batch, aborted when the session closes, the caller's signal aborts or the
    // iteration ends: checking it per block is cheap, where a composite signal re-checks all of its sources.
    const batch = new AbortController()
    const signal = batch.signal
    const sources = options.signal == null ? [this.lifetime.signal] : [this.lifetime.signal, options.signal]
    const onSourceAbort = (): void => { batch.abort(sources.find(source => source.aborted)?.reason) }
    for (const source of sources) source.addEventListener('abort', onSourceAbort, { once: true })
    if (sources.some(source => source.aborted)) onSourceAbort()
    const arrived = new Fifo<Arrival>()
    // One abort listener for the whole batch: thousands on one signal would make each removal linear.
    const pending = new Map<BatchWaiter, () => boolean>()
    const onAbort = (): void => {
      for (const [waiter, withdraw] of pending) {
        if (withdraw()) waiter.reject(new AbortError(`Want for ${waiter.cid} was aborted`, { cause: signal.reason }))
      }
    }
    signal.addEventListener('abort', onAbort, { once: true })
    let wake: (() => void) | undefined
    let outstanding = 0
    const deliver = (item: Arrival): void => {
      arrived.push(item)
      wake?.()
    }
    for (const cid of cids) {
      outstanding++
      this.fetchInto(cid, signal, pending, deliver)
    }
    try {
      while (outstanding > 0) {
        if (arrived.length === 0) await new Promise<void>(resolve => { wake = resolve })
        wake = undefined
        const next = arrived.shift()
        if (next == null) continue
        outstanding--
        if ('error' in next) throw next.error
        yield next
      }
    } finally {
      batch.abort()
      for (const source of sources) source.removeEventListener('abort', onSourceAbort)
    }
  }

  /**
   * One block of a `getBlocks` batch, handed to `deliver`: from the blockstore, or through a waiter registered
   * for its arrival (no promise per block; the batch's abort listener withdraws what is still pending).
   */
  private fetchInto (cid: CID, signal: AbortSignal, pending: Map<BatchWaiter, () => boolean>, deliver: (item: Arrival) => void): void {
    let found
    try {
      found = this.lookUp(cid, signal)
    } catch (error) {
      deliver({ error })
      return
    }
    if (isPromiseLike(found)) {
      found.then(local => { this.waitOrDeliver(cid, local, signal, pending, deliver) }, error => { deliver({ error }) })
    } else {
      this.waitOrDeliver(cid, found, signal, pending, deliver)
    }
  }

  private waitOrDeliver (cid: CID, local: Uint8Array | undefined, signal: AbortSignal, pending: Map<BatchWaiter, () => boolean>, deliver: (item: Arrival) => void): void {
    if (local != null) {
      deliver({ cid, bytes: local })
      return
    }
    // The batch may have been aborted since the lookup began: its listener has already run, so register nothing.
    if (this.closed || signal.aborted) {
      deliver({ error: this.closed ? new AbortError('The session is closed') : signal.reason })
      return
    }
    const waiter: BatchWaiter = {
      cid,
      resolve: bytes => {
        pending.delete(waiter)
        deliver({ cid, bytes })
      },
      reject: error => {
        pending.delete(waiter)
        this.dropCaller(cid)
        deliver({ error })
      }
    }
    pending.set(waiter, this.init.notifications.listen(cid, waiter))
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

  /** Waits for a registered want; a caller that gives up releases its share of the want. */
  private async settle (cid: CID, waiting: Waiting): Promise<Uint8Array> {
    try {
      return await waiting.promise
    } catch (err) {
      this.dropCaller(cid)
      throw err
    }
  }

  /** A verified block arrived from `peer` (the client already stored it and will wake the waiters). */
  blockReceived (peer: PeerKey, cid: CID): void {
    if (this.closed) return
    const key = blockKey(cid)
    const want = this.wants.get(key)
    if (want == null) {
      if (this.received.get(key) != null) this.duplicateReceived(peer, cid)
      return
    }
    const now = this.init.clock.now()
    const askedAt = want.askedAt(peer) ?? want.broadcastAt
    const latency = askedAt == null ? undefined : now - askedAt
    if (latency != null && latency <= MAX_VALID_LATENCY) {
      this.latencyTotal += latency
      this.latencyCount++
      const previous = this.peerLatencies.get(peer)
      this.peerLatencies.set(peer, previous == null ? latency : (previous + latency) / 2)
    }
    this.addPeer(peer)
    this.forget(want)
    this.received.set(key, true)
    this.blocksReceived++
    this.dontHaveStreak.delete(peer)
    this.feedback({ type: 'block', peer, cid, latency, first: true, duplicate: false })
    this.init.wantManager.cancel(this.id, [cid])
    this.consecutiveTicks = 0
    this.armIdleTick()
  }

  /** A block this session already had arrived again: wasted bandwidth, counted per session. */
  duplicateReceived (peer: PeerKey, cid: CID): void {
    if (this.closed) return
    this.duplicateBlocks++
    this.feedback({ type: 'block', peer, cid, latency: undefined, first: false, duplicate: true })
  }

  /** Whether this session received the CID recently (for duplicate accounting). */
  hasReceived (cid: CID): boolean {
    return this.received.get(blockKey(cid)) != null
  }

  presenceReceived (peer: PeerKey, cid: CID, type: PresenceType, timedOut = false): void {
    if (this.closed) return
    const want = this.wants.get(blockKey(cid))
    if (want == null) return
    if (type === 'have') {
      want.heardHave(peer)
      this.dontHaveStreak.delete(peer)
      this.addPeer(peer)
      this.feedback({ type: 'have', peer, cid })
    } else {
      if (!this.peers.has(peer) || want.haves.has(peer)) return
      want.heardDontHave(peer)
      this.feedback({ type: 'dont-have', peer, cid, timedOut })
      this.countDontHave(peer)
      if (want.exhausted(this.peers)) this.onExhausted(want)
    }
    this.markDirty(want)
    this.scheduleUpdate()
  }

  peerDisconnected (peer: PeerKey): void {
    this.removePeer(peer)
  }

  stats (): SessionStats {
    return {
      peers: this.peers.size,
      wants: this.wants.size,
      blocksReceived: this.blocksReceived,
      duplicateBlocks: this.duplicateBlocks,
      averageLatency: this.latencyCount === 0 ? undefined : this.latencyTotal / this.latencyCount,
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
    this.lifetime.abort()
    this.init.wantManager.cancel(this.id, [...this.wants.values()].map(want => want.cid))
    this.wants.clear()
    this.dirtyLive.clear()
    this.queued.clear()
    this.liveCount = 0
    this.peers.clear()
    this.dontHaveStreak.clear()
    this.peerLatencies.clear()
    this.init.onClose(this)
  }

  private addWant (cid: CID): void {
    const key = blockKey(cid)
    const existing = this.wants.get(key)
    if (existing != null) {
      existing.callers++
      return
    }
    this.wants.set(key, new SessionWant(cid, key))
    this.queued.add(key)
    this.scheduleUpdate()
    this.armIdleTick()
    this.armPeriodicSearch()
  }

  private dropCaller (cid: CID): void {
    const key = blockKey(cid)
    const want = this.wants.get(key)
    if (want == null || --want.callers > 0) return
    this.forget(want)
    this.init.wantManager.cancel(this.id, [cid])
  }

  private feedback (event: SessionFeedback): void {
    this.init.selector.observe(event)
    this.init.splitter.observe(event)
  }

  /** 16 DONT_HAVEs in a row and a peer leaves, unless it holds a HAVE for something still wanted. */
  private countDontHave (peer: PeerKey): void {
    const streak = (this.dontHaveStreak.get(peer) ?? 0) + 1
    this.dontHaveStreak.set(peer, streak)
    if (streak < this.init.config.peerDontHaveLimit) return
    for (const want of this.wants.values()) if (want.haves.has(peer)) return
    log('session %d drops %s after %d DONT_HAVEs in a row', this.id, peer, streak)
    this.removePeer(peer)
  }

  /** Nobody in the session has it: ask everyone connected, and look for providers. */
  private onExhausted (want: SessionWant): void {
    this.broadcast([want])
    this.search(want.cid)
  }

  /** Coalesces changes made in one turn into one pass of the selector and splitter. */
  private scheduleUpdate (): void {
    if (this.closed || this.updateTimer != null) return
    this.updateTimer = this.init.clock.setTimeout(() => {
      this.updateTimer = undefined
      this.update()
    }, 0)
  }

  /** The want's situation changed: the splitter looks at it again on the next update. */
  private markDirty (want: SessionWant): void {
    if (want.live) this.dirtyLive.add(want.key)
    else this.queued.add(want.key)
  }

  /**
   * One pass of the selector and splitter over what changed: live wants first, then new wants while the window
   * has room, at most UPDATE_BATCH of them. A fetch of thousands of blocks then gets its first wants on the wire
   * after one batch of work, not after all of it; the next pass follows on the next turn.
   */
  private update (): void {
    if (this.closed) return
    const discovering = this.peers.size === 0
    // New wants go out only while the window has room; the rest stay queued until a block frees a place.
    let room = Math.min(
      this.init.splitter.maxLiveWants ?? Infinity,
      discovering ? this.init.config.broadcastLiveWantsLimit : Infinity
    ) - this.liveCount
    const changed: SessionWant[] = []
    for (const key of this.dirtyLive) {
      if (changed.length >= UPDATE_BATCH) break
      this.dirtyLive.delete(key)
      const want = this.wants.get(key)
      if (want != null && !discovering) changed.push(want)
    }
    for (const key of this.queued) {
      if (room <= 0 || changed.length >= UPDATE_BATCH) break
      this.queued.delete(key)
      const want = this.wants.get(key)
      if (want == null) continue
      room--
      changed.push(want)
    }
    if (this.dirtyLive.size > 0 || (this.queued.size > 0 && room > 0)) this.scheduleUpdate()
    if (discovering) {
      // Nobody known yet: ask every connected peer about the first wants.
      this.broadcast(changed)
      return
    }
    if (changed.length === 0) return
    const peers = [...this.peers]
    const pending: PendingWant[] = changed.map(want => ({
      cid: want.cid,
      ranked: this.init.selector.rank(want.cid, peers),
      blockSentTo: want.blockSentTo,
      haveSentTo: want.haveSentTo
    }))
    const byPeer = new Map<PeerKey, { blocks: CID[], haves: CID[] }>()
    const now = this.init.clock.now()
    for (const assignment of this.init.splitter.split(pending)) {
      const want = this.wants.get(blockKey(assignment.cid))
      if (want == null || !this.peers.has(assignment.peer)) continue
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
      this.markLive(want)
    }
    for (const [peer, batch] of byPeer) {
      this.init.wantManager.sendWants(this.id, peer, batch.blocks, batch.haves)
    }
  }

  private markLive (want: SessionWant): void {
    if (want.live) return
    want.live = true
    this.liveCount++
    // Queued as new, it is now live: if the splitter has yet to see it, it sees it as a live want.
    if (this.queued.delete(want.key)) this.dirtyLive.add(want.key)
  }

  /** A want left the session (received or withdrawn): its place in the window goes to the next one. */
  private forget (want: SessionWant): void {
    this.wants.delete(want.key)
    this.dirtyLive.delete(want.key)
    this.queued.delete(want.key)
    if (want.live) this.liveCount--
    if (this.queued.size > 0) this.scheduleUpdate()
  }

  private broadcast (wants: readonly SessionWant[]): void {
    if (wants.length === 0) return
    const now = this.init.clock.now()
    for (const want of wants) {
      this.markLive(want)
      want.broadcastAt = now
    }
    this.init.wantManager.broadcastWantHaves(this.id, wants.map(want => want.cid))
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
    const base = this.latencyCount === 0 ? providerSearchDelay : BASE_TICK_DELAY + 3 * (this.latencyTotal / this.latencyCount)
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
    const limit = this.init.config.broadcastLiveWantsLimit
    const all = [...this.wants.values()]
    let live = all.filter(want => want.live).slice(0, limit)
    if (live.length === 0) live = all.slice(0, Math.min(limit, this.init.splitter.maxLiveWants ?? limit))
    this.broadcast(live)
    if (this.consecutiveTicks === 0 && live.length > 0) this.search(live[0].cid)
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
      this.search(want.cid)
      this.armPeriodicSearch()
    }, this.init.config.periodicSearchDelay)
  }

  /** Peers found for `cid` join the session as they come. */
  private search (cid: CID): void {
    const find = this.init.findProviders
    if (find == null || this.closed) return
    this.providerSearches++
    void (async () => {
      try {
        for await (const peer of find(cid, { signal: this.lifetime.signal })) {
          if (this.closed) return
          this.addPeer(peer)
        }
      } catch (err) {
        if (!this.closed) log('provider search for %s failed: %s', cid, (err as Error).message)
      }
    })()
  }
}
