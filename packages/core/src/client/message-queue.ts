import { defaultLogger, type ComponentLogger, type Logger } from '@libp2p/logger'
import { errorMessage } from '../errors.js'
import { blockKey } from '../wire/prefix.js'
import { supportsPresences } from '../wire/versions.js'
import { DontHaveTimeoutManager } from './dont-have-timeout-manager.js'
import type { BitswapConfig } from '../config.js'
import type { Clock, Timer } from '../interfaces/clock.js'
import type { BitswapNetwork } from '../interfaces/network.js'
import type { PeerKey } from '../types.js'
import type { WantEntry, WantType } from '../wire/types.js'
import type { CID } from 'multiformats/cid'

/** Highest int32: the first want gets it, and each later one one less, so earlier wants are more urgent. */
const FIRST_PRIORITY = 2 ** 31 - 1

interface QueuedWant {
  cid: CID
  wantType: WantType
  sendDontHave: boolean
  priority: number
  /** When it last went out; undefined until the first send. */
  sentAt: number | undefined
  /**
   * The peer said DONT_HAVE: asking again is new information to send. A want that only timed out stays as it
   * is: the peer still holds it and may yet answer, and asking again would have it send the block twice.
   */
  refused: boolean
}

export interface MessageQueueInit {
  /** Where this part logs; `@libp2p/logger`'s default when not given. */
  logger?: ComponentLogger
  peer: PeerKey
  network: BitswapNetwork
  clock: Clock
  config: Pick<BitswapConfig, 'rebroadcastInterval' | 'maxSendAttempts' | 'sendRetryDelay' | 'maxWantsInFlightPerPeer'>
  /**
   * WANT_BLOCKs the peer left unanswered past its DONT_HAVE timeout (or that it answered with something we had
   * to throw away): the session treats them as DONT_HAVE and asks elsewhere.
   */
  onDontHaveTimeout?: (cids: CID[]) => void
  /** Round-trip time to the peer, if the network knows it: the first estimate of how fast it answers. */
  latency?: number
  /**
   * Broadcast WANT_HAVEs (those not asking for DONT_HAVE) a message carried to the peer, told once the network
   * took it: counted on the wire, so a want cancelled or made a WANT_BLOCK before the message left is not, and
   * neither is one the peer's version cannot carry (before 1.2.0 there is no WANT_HAVE).
   */
  onBroadcastsSent?: (count: number) => void
}

/**
 * Everything we tell one peer about our wants. Changes made in one turn of the event loop go out as one message;
 * a failed send is retried with back-off; a want the peer has not answered within the rebroadcast interval is
 * sent again, once the peer has been silent that long too. It remembers what the peer was told, so a want is
 * never sent twice and a want-block supersedes a want-have. It owns the DONT_HAVE timeouts of what it sent: the clock starts when a WANT_BLOCK leaves, stops
 * when the peer answers or the want is cancelled, and learns from every answer how long the peer takes.
 */
export class MessageQueue {
  private readonly log: Logger
  readonly peer: PeerKey
  private readonly init: MessageQueueInit
  private readonly wants = new Map<string, QueuedWant>()
  private readonly dirty = new Set<string>()
  /** New wants held back because the peer already holds as many as it will keep; in arrival order. */
  private readonly waiting = new Set<string>()
  /**
   * Where admitting resumes in `waiting`. A live iterator over the set: it skips what was deleted behind it and
   * sees what is added after it, so each admission is O(1) instead of a scan past every key admitted before.
   */
  private waitingCursor: Iterator<string> | undefined
  /** Wants sent to the peer, or about to be, and not cancelled: what counts against the in-flight cap. */
  private reserved = 0
  private readonly cancels = new Map<string, CID>()
  private nextPriority = FIRST_PRIORITY
  private flushTimer: Timer | undefined
  private rebroadcastTimer: Timer | undefined
  /**
   * When the peer last sent us anything (a block, an answer, bytes of a message on their way). A want is sent
   * again only after a whole rebroadcast interval in which the peer was silent: the rebroadcast recovers wants a
   * peer lost, while a peer still sending to us is working through them, and one it already sent (on the wire, or
   * in our unread input under load) it would send twice, since a server forgets a want once its block is out.
   */
  private lastHeardAt = -Infinity
  private sending = false
  private stopped = false
  /** Attempts that failed; what was sent, the network counts per peer (`stats(peer).messagesSent`). */
  sendFailures = 0

  private readonly timeouts: DontHaveTimeoutManager

  constructor (init: MessageQueueInit) {
    this.log = (init.logger ?? defaultLogger()).forComponent('swapwright:core:message-queue')
    this.peer = init.peer
    this.init = init
    this.timeouts = new DontHaveTimeoutManager({
      logger: init.logger,
      clock: init.clock,
      peer: init.peer,
      onTimeout: cids => { init.onDontHaveTimeout?.(cids) }
    })
    if (init.latency != null) this.timeouts.setLatency(init.latency)
  }

  /** How long the peer may leave a WANT_BLOCK unanswered right now, in ms. */
  get dontHaveTimeout (): number {
    return this.timeouts.timeout
  }

  /** WANT_BLOCKs sent that the peer has neither answered nor let time out. */
  get awaitingAnswers (): number {
    return this.timeouts.size
  }

  /**
   * The peer answered these wants (a block, HAVE or DONT_HAVE). Recorded before any cancel the answer causes,
   * so the time it took is a sample of how fast the peer answers.
   */
  responseReceived (cids: Iterable<CID>): void {
    this.lastHeardAt = this.init.clock.now()
    this.timeouts.responseReceived(cids)
  }

  /**
   * The peer's protocol version cannot carry these wants: no answer is due, and the DONT_HAVE that stands for
   * one is no sample of how fast the peer answers.
   */
  cannotCarry (cids: Iterable<CID>): void {
    this.timeouts.cancel(cids)
  }

  /**
   * Bytes arrived from the peer (or it reported bytes queued for us): it is alive and working through our
   * wants, so none of them expires for silence meanwhile.
   */
  heardFrom (pendingBytes = 0): void {
    this.lastHeardAt = this.init.clock.now()
    this.timeouts.heardFrom(pendingBytes)
  }

  /** Bytes of a message still arriving from the peer: its wants do not expire for silence meanwhile. */
  alive (): void {
    this.lastHeardAt = this.init.clock.now()
    this.timeouts.alive()
  }

  /**
   * The peer's last message could not be used (malformed, or a block that is not what it claims): its pending
   * WANT_BLOCKs count as unanswered now, so sessions ask elsewhere at once.
   */
  answersLost (): void {
    this.timeouts.expireAll()
  }

  /** A message to the peer is waiting to go out (wants or cancels not sent yet). */
  get hasPending (): boolean {
    return this.dirty.size > 0 || this.cancels.size > 0
  }

  /** What the peer was asked for this CID, if anything. */
  wantType (cid: CID): WantType | undefined {
    return this.wants.get(blockKey(cid))?.wantType
  }

  /** Asks for the block. Returns false when the peer already has a WANT_BLOCK for it. */
  wantBlock (cid: CID, sendDontHave: boolean): boolean {
    return this.add(cid, 'block', sendDontHave)
  }

  /** Asks whether the peer has the block. Returns false when it was already asked either way. */
  wantHave (cid: CID, sendDontHave: boolean): boolean {
    return this.add(cid, 'have', sendDontHave)
  }

  /**
   * A broadcast WANT_HAVE: asks only if the peer was never asked about the block. A peer that refused it is
   * asked again by its sessions, after their back-off; a broadcast must not undo that pace.
   */
  offerHave (cid: CID): boolean {
    if (this.wants.has(blockKey(cid))) return false
    return this.add(cid, 'have', false)
  }

  /**
   * Asks again whether the peer has the block, as a WANT_HAVE that asks for DONT_HAVE, even if it was asked
   * before: it refused, and may have got the block since. The session decides on a WANT_BLOCK when it hears HAVE.
   */
  askAgain (cid: CID): void {
    const key = blockKey(cid)
    const want = this.wants.get(key)
    if (want == null) {
      this.wantHave(cid, true)
      return
    }
    want.refused = false
    want.wantType = 'have'
    want.sendDontHave = true
    if (this.waiting.has(key)) return
    this.dirty.add(key)
    this.scheduleFlush()
  }

  /**
   * Withdraws wants; only CIDs the peer was actually told about produce a CANCEL, and none when `tell` is false:
   * the peer sent us the block, and a server drops a want from its ledger when it sends the block.
   */
  cancel (cids: readonly CID[], tell = true): void {
    const withdrawn: CID[] = []
    for (const cid of cids) {
      const key = blockKey(cid)
      const want = this.wants.get(key)
      if (want == null) continue
      withdrawn.push(cid)
      this.wants.delete(key)
      const wasSent = want.sentAt != null
      this.dirty.delete(key)
      if (!this.waiting.delete(key)) this.reserved--
      if (wasSent && tell) this.cancels.set(key, cid)
    }
    if (withdrawn.length === 0) return
    this.admitWaiting()
    this.timeouts.cancel(withdrawn)
    this.scheduleFlush()
  }

  /**
   * The peer sent these blocks. Their wants keep their places in flight until `cancel` (the blocks are still
   * being stored), but are never sent again: a rebroadcast while the store catches up would only fetch them twice.
   */
  delivered (cids: readonly CID[]): void {
    for (const cid of cids) {
      const key = blockKey(cid)
      const want = this.wants.get(key)
      if (want == null) continue
      want.sentAt = undefined
      this.dirty.delete(key)
    }
  }

  /**
   * The peer answered DONT_HAVE for these. The wants stay, so a block it gets later is still pushed and a cancel
   * still goes out, but a session may ask it again.
   */
  refused (cids: readonly CID[]): void {
    for (const cid of cids) {
      const want = this.wants.get(blockKey(cid))
      if (want != null) want.refused = true
    }
  }

  /** Number of wants the peer holds from us. */
  get size (): number {
    return this.wants.size
  }

  stop (): void {
    this.stopped = true
    this.timeouts.stop()
    this.flushTimer?.cancel()
    this.rebroadcastTimer?.cancel()
    this.wants.clear()
    this.dirty.clear()
    this.waiting.clear()
    this.waitingCursor = undefined
    this.cancels.clear()
    this.reserved = 0
  }

  private add (cid: CID, wantType: WantType, sendDontHave: boolean): boolean {
    const key = blockKey(cid)
    const existing = this.wants.get(key)
    if (existing != null && !existing.refused && (existing.wantType === 'block' || wantType === 'have')) return false
    this.cancels.delete(key)
    this.wants.set(key, { cid, wantType, sendDontHave, priority: existing?.priority ?? this.nextPriority--, sentAt: existing?.sentAt, refused: false })
    if (existing == null) {
      // A new CID needs a place in flight; an upgrade (have to block) reuses the place it has.
      if (this.reserved >= this.init.config.maxWantsInFlightPerPeer) {
        this.waiting.add(key)
        return true
      }
      this.reserved++
    } else if (this.waiting.has(key)) {
      return true
    }
    this.dirty.add(key)
    this.scheduleFlush()
    return true
  }

  /** Cancels freed places: the longest-waiting wants take them. */
  private admitWaiting (): void {
    while (this.waiting.size > 0 && this.reserved < this.init.config.maxWantsInFlightPerPeer) {
      this.waitingCursor ??= this.waiting.values()
      const next = this.waitingCursor.next()
      if (next.done === true) {
        // A finished iterator stays finished: start over to see keys added since.
        this.waitingCursor = undefined
        continue
      }
      this.waiting.delete(next.value)
      this.reserved++
      this.dirty.add(next.value)
    }
  }

  /** Coalesces everything changed in this turn into one message. */
  private scheduleFlush (): void {
    if (this.stopped || this.flushTimer != null || this.sending) return
    this.flushTimer = this.init.clock.setTimeout(() => { this.flushScheduled() }, 0)
  }

  /**
   * Sends what is pending now rather than on the timer. For the places a received message freed: a zero-delay
   * timer waits until the event loop has run every read that is ready, so a fetcher with a backlog of replies on
   * its socket took in all of them (a whole window of blocks; under load, hundreds of ms) before the wants that
   * refill the window went out, and the seed sat idle meanwhile.
   */
  sendNow (): void {
    if (this.flushTimer == null) return
    this.flushTimer.cancel()
    this.flushScheduled()
  }

  /** The flush the timer was set for, now: by the timer itself, or early by `sendNow`. */
  private flushScheduled (): void {
    this.flushTimer = undefined
    void this.flush()
  }

  private async flush (): Promise<void> {
    if (this.sending || this.stopped) return
    this.sending = true
    try {
      while (!this.stopped && (this.dirty.size > 0 || this.cancels.size > 0)) {
        await this.sendPending()
      }
    } finally {
      this.sending = false
    }
    this.scheduleRebroadcast()
  }

  private async sendPending (): Promise<void> {
    const now = this.init.clock.now()
    const entries: WantEntry[] = []
    for (const cid of this.cancels.values()) {
      entries.push({ cid, cancel: true, priority: 0, wantType: 'block', sendDontHave: false })
    }
    const sentBlocks: CID[] = []
    let broadcasts = 0
    for (const key of this.dirty) {
      const want = this.wants.get(key)
      if (want == null) continue
      entries.push({ cid: want.cid, cancel: false, priority: want.priority, wantType: want.wantType, sendDontHave: want.sendDontHave })
      want.sentAt = now
      if (want.wantType === 'block' && want.sendDontHave) sentBlocks.push(want.cid)
      else if (want.wantType === 'have' && !want.sendDontHave) broadcasts++
    }
    this.cancels.clear()
    this.dirty.clear()
    if (entries.length === 0) return

    const message = { wantlist: { entries, full: false }, blocks: [], presences: [], pendingBytes: 0 }
    const { maxSendAttempts, sendRetryDelay } = this.init.config
    for (let attempt = 1; ; attempt++) {
      try {
        await this.init.network.send(this.peer, message)
        const version = this.init.network.version(this.peer)
        if (broadcasts > 0 && version != null && supportsPresences(version)) this.init.onBroadcastsSent?.(broadcasts)
        // Only wants still held: one cancelled while the message was on its way owes no answer.
        if (sentBlocks.length > 0) this.timeouts.addPending(sentBlocks.filter(cid => this.wants.has(blockKey(cid))))
        return
      } catch (err) {
        this.sendFailures++
        if (attempt >= maxSendAttempts || this.stopped) {
          // Left to the rebroadcast: the wants keep their sentAt and go out again later if the peer is still here.
          this.log('giving up on %d wants to %s after %d attempts: %s', entries.length, this.peer, attempt, errorMessage(err))
          return
        }
        await this.init.clock.sleep(sendRetryDelay * 2 ** (attempt - 1))
      }
    }
  }

  /**
   * One timer for the oldest sent want, due a rebroadcast interval after it went out or after the peer was last
   * heard from, whichever is later; none while nothing waits, so an idle node has no timers.
   */
  private scheduleRebroadcast (): void {
    if (this.stopped || this.rebroadcastTimer != null) return
    let oldest: number | undefined
    for (const want of this.wants.values()) {
      if (want.sentAt != null && (oldest == null || want.sentAt < oldest)) oldest = want.sentAt
    }
    if (oldest == null) return
    const interval = this.init.config.rebroadcastInterval
    const delay = Math.max(0, Math.max(oldest, this.lastHeardAt) + interval - this.init.clock.now())
    this.rebroadcastTimer = this.init.clock.setTimeout(() => {
      // On a busy event loop the peer's bytes may be waiting behind this timer: one more turn reads them before
      // the peer is judged silent.
      this.rebroadcastTimer = this.init.clock.setTimeout(() => {
        this.rebroadcastTimer = undefined
        this.rebroadcast(interval)
      }, 0)
    }, delay)
  }

  /** Marks the wants sent at least `interval` ago for sending again, unless the peer spoke within it. */
  private rebroadcast (interval: number): void {
    const now = this.init.clock.now()
    // Heard from since the timer was set: the wants are due an interval after that instead.
    if (now - this.lastHeardAt >= interval) {
      for (const [key, want] of this.wants) {
        if (want.sentAt != null && now - want.sentAt >= interval) this.dirty.add(key)
      }
    }
    if (this.dirty.size > 0) this.scheduleFlush()
    else this.scheduleRebroadcast()
  }
}
