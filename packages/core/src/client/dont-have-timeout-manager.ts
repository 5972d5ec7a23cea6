import { defaultLogger, type ComponentLogger, type Logger } from '@libp2p/logger'
import {
  DEFAULT_DONT_HAVE_TIMEOUT, MAX_DONT_HAVE_TIMEOUT, MAX_EXPECTED_WANT_PROCESS_TIME, MAX_VALID_LATENCY,
  MESSAGE_DEVIATION_ALPHA, MESSAGE_DEVIATION_MULTIPLIER, MESSAGE_LATENCY_ALPHA, MESSAGE_LATENCY_MULTIPLIER, MIN_DONT_HAVE_TIMEOUT, PENDING_WANT_ALLOWANCE, PING_LATENCY_MULTIPLIER
} from '../constants.js'
import { blockKey } from '../wire/prefix.js'
import type { Clock, Timer } from '../interfaces/clock.js'
import type { PeerKey } from '../types.js'
import type { CID } from 'multiformats/cid'

/** A timer firing more than this many ms after its time means the event loop was busy (never on a virtual clock). */
const LATE_TIMER_TOLERANCE = 10

export interface DontHaveTimeoutManagerInit {
  /** Where this part logs; `@libp2p/logger`'s default when not given. */
  logger?: ComponentLogger
  clock: Clock
  /** Called with every want that went unanswered for too long, batched per expiry. */
  onTimeout(cids: CID[]): void
  /** The peer the wants went to; only for logs. */
  peer?: PeerKey
}

interface PendingWant {
  cid: CID
  sentAt: number
}

/**
 * Simulates a DONT_HAVE from one peer when it stays silent about a WANT_BLOCK that asked for one. A peer that
 * speaks an older protocol, or is overloaded, may never answer; without this a session would wait on it forever
 * instead of asking someone else. The allowance follows what we know of the peer: a fixed default, then its ping,
 * then how fast it actually answered our wants.
 */
export class DontHaveTimeoutManager {
  private readonly log: Logger
  private readonly clock: Clock
  private readonly onTimeout: (cids: CID[]) => void
  private readonly peer: PeerKey | undefined
  /** By blockKey. Insertion order is send order, so the first entry always expires first. */
  private readonly pending = new Map<string, PendingWant>()
  /**
   * Wants that timed out but that the peer may still answer, by blockKey, in send order. A late answer is the
   * best evidence of a slow peer, so it must still count towards the latency; kept up to MAX_VALID_LATENCY only,
   * since anything older would be discarded as an outlier anyway.
   */
  private readonly overdue = new Map<string, PendingWant>()
  /**
   * When the peer last answered one of our wants. A peer still working through a long queue of our wants (large
   * blocks, a slow disk) answers them one by one: the wants at the back are queued, not ignored, and treating
   * them as DONT_HAVE would only have them asked for, and sent, twice. So a want's wait starts at the later of
   * its send and the peer's last answer: only a peer silent for the whole allowance has its wants expire.
   */
  private lastAnswerAt = -Infinity
  /**
   * The peer's last message said it has bytes queued for us. Large blocks leave a busy peer one by one, with
   * pauses between them that have nothing to do with its answer time (which may have been learned from a tiny
   * block): while it says more is coming, its wants get the longest allowance instead of the learned one.
   */
  private busy = false
  private pingLatency: number | undefined
  private messageLatency: number | undefined
  /** Average distance of the answer times from their average: how much they vary, not how long they are. */
  private messageDeviation = 0
  private messageSamples = 0
  private timer: Timer | undefined
  private timerDue = Infinity
  private stopped = false

  constructor (init: DontHaveTimeoutManagerInit) {
    this.log = (init.logger ?? defaultLogger()).forComponent('swapwright:core:dont-have-timeout-manager')
    this.clock = init.clock
    this.onTimeout = init.onTimeout
    this.peer = init.peer
  }

  /** How long a want may go unanswered right now, in ms. */
  get timeout (): number {
    let timeout = DEFAULT_DONT_HAVE_TIMEOUT
    if (this.messageLatency !== undefined) {
      timeout = Math.max(
        MESSAGE_LATENCY_MULTIPLIER * this.messageLatency,
        this.messageLatency + MESSAGE_DEVIATION_MULTIPLIER * this.messageDeviation
      )
    } else if (this.pingLatency !== undefined) {
      timeout = MAX_EXPECTED_WANT_PROCESS_TIME + PING_LATENCY_MULTIPLIER * this.pingLatency
    }
    return Math.min(MAX_DONT_HAVE_TIMEOUT, Math.max(MIN_DONT_HAVE_TIMEOUT, timeout))
  }

  /** Wants being waited on. */
  get size (): number {
    return this.pending.size
  }

  /** Starts the clock on WANT_BLOCKs just sent. A want still pending keeps its first send time. */
  addPending (cids: Iterable<CID>): void {
    if (this.stopped) return
    const now = this.clock.now()
    this.forgetStaleOverdue(now)
    for (const cid of cids) {
      const key = blockKey(cid)
      if (this.pending.has(key)) continue
      // Sent again after it timed out: the session was told DONT_HAVE already, so this send gets its own wait.
      this.overdue.delete(key)
      this.pending.set(key, { cid, sentAt: now })
    }
    this.schedule()
  }

  /** The wants were cancelled (or answered by another path): no DONT_HAVE is due for them. */
  cancel (cids: Iterable<CID>): void {
    for (const cid of cids) {
      const key = blockKey(cid)
      this.pending.delete(key)
      this.overdue.delete(key)
    }
    this.schedule()
  }

  /**
   * The peer answered (a block, HAVE or DONT_HAVE) for these CIDs. The time since the earliest of them was sent
   * is a sample of how fast the peer answers: one message answers many wants, and the oldest of them is the one
   * the peer has had longest to work on.
   */
  responseReceived (cids: Iterable<CID>): void {
    let earliest = Infinity
    for (const cid of cids) {
      const key = blockKey(cid)
      const want = this.pending.get(key) ?? this.overdue.get(key)
      if (want === undefined) continue
      earliest = Math.min(earliest, want.sentAt)
      this.pending.delete(key)
      this.overdue.delete(key)
    }
    if (earliest !== Infinity) {
      this.lastAnswerAt = this.clock.now()
      this.recordMessageLatency(this.lastAnswerAt - earliest)
    }
    this.schedule()
  }

  /**
   * The peer sent blocks, which may answer our wants once verified and stored, and reported `pendingBytes` still
   * queued for us. Its wants are not expired for silence meanwhile: a slow store must not make a busy peer look
   * silent, nor the pause between two large blocks.
   */
  heardFrom (pendingBytes = 0): void {
    if (this.stopped) return
    this.lastAnswerAt = this.clock.now()
    this.busy = pendingBytes > 0
    this.schedule()
  }

  /**
   * Bytes of a message arrived from the peer: it is sending, so its wants wait on. Cheap, as it runs for every
   * read: the timer is not moved; when it fires it finds the later start and waits the rest.
   */
  alive (): void {
    if (!this.stopped) this.lastAnswerAt = this.clock.now()
  }

  /**
   * The peer broke the protocol: the message it sent (perhaps the answer to our wants) was thrown away with its
   * stream. Every want still pending expires now, so sessions ask elsewhere at once instead of after the
   * allowance; an answer that does come later still counts.
   */
  expireAll (): void {
    if (this.stopped || this.pending.size === 0) return
    const expired: CID[] = []
    for (const [key, want] of this.pending) {
      expired.push(want.cid)
      this.overdue.set(key, want)
    }
    this.pending.clear()
    this.schedule()
    this.report(expired, 'the peer broke the protocol')
  }

  /** The round-trip time to the peer, from a ping; used until real answers give a better measure. */
  setLatency (rtt: number): void {
    if (!Number.isFinite(rtt) || rtt < 0) return
    this.pingLatency = rtt
    this.schedule()
  }

  /** Forgets every want and stops the timer; later calls do nothing. */
  stop (): void {
    this.stopped = true
    this.pending.clear()
    this.overdue.clear()
    this.schedule()
  }

  private recordMessageLatency (latency: number): void {
    if (latency > MAX_VALID_LATENCY) {
      this.log('ignoring an answer from %s after %d ms as an outlier', this.peer, latency)
      return
    }
    this.messageSamples++
    if (this.messageLatency === undefined) {
      // One sample says nothing of spread: the timeout starts at twice it, as it would for a steady peer.
      this.messageLatency = latency
      return
    }
    // Measured against the average before this sample, so a sample far from what we expected counts as spread.
    this.messageDeviation = MESSAGE_DEVIATION_ALPHA * Math.abs(latency - this.messageLatency) + (1 - MESSAGE_DEVIATION_ALPHA) * this.messageDeviation
    const alpha = Math.max(1 / this.messageSamples, MESSAGE_LATENCY_ALPHA)
    this.messageLatency = alpha * latency + (1 - alpha) * this.messageLatency
  }

  private forgetStaleOverdue (now: number): void {
    for (const [key, want] of this.overdue) {
      if (now - want.sentAt <= MAX_VALID_LATENCY) return
      this.overdue.delete(key)
    }
  }

  /**
   * Keeps one timer, due no later than when the oldest want expires, or none when nothing is pending. Every
   * answer moves that time on; a timer set for earlier is kept and, when it fires, waits the rest: one timer per
   * quiet spell instead of one per answer.
   */
  private schedule (): void {
    const due = this.nextDue()
    if (due === Infinity) {
      this.timer?.cancel()
      this.timer = undefined
      this.timerDue = Infinity
      return
    }
    if (this.timer != null && this.timerDue <= due) return
    this.timer?.cancel()
    this.timerDue = due
    // A timeout that shrank below the time already waited fires on the next turn, never inside the caller. When
    // it fires, input may be waiting behind it (timers run before pending reads when the event loop was busy):
    // one more turn lets that input in before silence is concluded.
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined
      this.timerDue = Infinity
      // A timer that fires late says our own event loop was busy, not that the peer was silent: the peer gets
      // back the time we could not read what it sent.
      const now = this.clock.now()
      const late = now - due
      if (late > LATE_TIMER_TOLERANCE) {
        this.lastAnswerAt = Math.max(this.lastAnswerAt, now - this.allowance + late)
        this.schedule()
        return
      }
      // Answers since it was set moved the time on: wait the rest.
      if (this.nextDue() > now) {
        this.schedule()
        return
      }
      this.timerDue = due
      this.timer = this.clock.setTimeout(() => { this.expire() }, 0)
    }, Math.max(0, due - this.clock.now()))
  }

  /** When the oldest pending want expires; Infinity when none is pending. */
  private nextDue (): number {
    const oldest = this.pending.values().next().value
    return oldest === undefined ? Infinity : this.waitingSince(oldest) + this.allowance
  }

  /**
   * How long a want may wait now: the timeout plus a little for each other want the peer still owes us, or
   * the ceiling while the peer says more is on its way.
   */
  private get allowance (): number {
    if (this.busy) return Math.max(this.timeout, MAX_DONT_HAVE_TIMEOUT)
    const others = Math.max(0, this.pending.size - 1)
    return Math.max(this.timeout, Math.min(MAX_DONT_HAVE_TIMEOUT, this.timeout + others * PENDING_WANT_ALLOWANCE))
  }

  /** When the wait for `want` began: its send, or the peer's last answer if that came later. */
  private waitingSince (want: PendingWant): number {
    return Math.max(want.sentAt, this.lastAnswerAt)
  }

  private expire (): void {
    this.timer = undefined
    this.timerDue = Infinity
    const now = this.clock.now()
    // Fixed for the pass, as the timer computed it: it shrinks as wants leave.
    const allowance = this.allowance
    const expired: CID[] = []
    for (const [key, want] of this.pending) {
      // The same sum as the timer's due time: `now - timeout` can round below it and re-arm at 0 ms forever.
      if (this.waitingSince(want) + allowance > now) break
      expired.push(want.cid)
      this.pending.delete(key)
      this.overdue.set(key, want)
    }
    this.forgetStaleOverdue(this.clock.now())
    this.schedule()
    if (expired.length > 0) this.report(expired, `unanswered after ${allowance} ms`)
  }

  private report (expired: CID[], why: string): void {
    this.log('%d wants to %s expire: %s', expired.length, this.peer, why)
    try {
      this.onTimeout(expired)
    } catch (err) {
      this.log.error('the DONT_HAVE timeout handler for %s threw: %e', this.peer, err)
    }
  }
}
