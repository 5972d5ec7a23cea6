import { PeerTracker } from './peer-tracker.js'
import { limitsOn, PeerSendLimits, type SendLimitsInit } from './send-limits.js'
import type { Task } from './task.js'
import type { Clock } from '../interfaces/clock.js'
import type { DecisionStrategy } from '../interfaces/decision-strategy.js'
import type { PeerKey } from '../types.js'

export interface PeerTaskQueueInit {
  strategy: DecisionStrategy
  clock: Clock
  /** Bytes of work each pop aims for (default 16 KiB). */
  targetMessageSize: number
  /** A peer with this many bytes popped and unsent is skipped until some are sent (default 1 MiB). */
  maxOutstandingBytesPerPeer: number
  /** Fair-sending limits per peer (each off by default). */
  sendLimits?: SendLimitsInit
}

/** A batch of tasks for one peer: what one reply message will carry. */
export interface TaskBatch {
  peer: PeerKey
  tasks: Task[]
  /** Work still queued for the peer after this batch, for the message's pendingBytes. */
  pendingBytes: number
}

/**
 * The server's queue: one tracker per peer, and the strategy to say which peer goes next. Choosing scans the
 * peers that have work (the comparator may depend on time, so a standing heap of peers could go stale).
 */
export class PeerTaskQueue {
  private readonly init: PeerTaskQueueInit
  private readonly trackers = new Map<PeerKey, PeerTracker>()
  private readonly limited: boolean
  /** Block tasks held back by the resend interval. */
  resendsDeferred = 0
  /** Times a peer's batch left its byte or block bucket overdrawn, so it waited for the rate to allow more. */
  rateLimited = 0

  constructor (init: PeerTaskQueueInit) {
    this.init = init
    this.limited = init.sendLimits != null && limitsOn(init.sendLimits)
  }

  tracker (peer: PeerKey): PeerTracker {
    let tracker = this.trackers.get(peer)
    if (tracker == null) {
      const limits = this.limited ? new PeerSendLimits(this.init.sendLimits as SendLimitsInit, this.init.clock.now()) : undefined
      tracker = new PeerTracker(peer, this.init.strategy, limits)
      this.trackers.set(peer, tracker)
    }
    return tracker
  }

  /** Peers the queue holds state for. */
  get size (): number {
    return this.trackers.size
  }

  peek (peer: PeerKey): PeerTracker | undefined {
    return this.trackers.get(peer)
  }

  push (task: Task): void {
    if (this.tracker(task.peer).push(task, this.init.clock.now())) this.resendsDeferred++
  }

  remove (peer: PeerKey, key: string): void {
    this.trackers.get(peer)?.remove(key)
  }

  /** Drops a peer's pending tasks, e.g. after a send to it failed; returns how many. */
  dropPending (peer: PeerKey): number {
    return this.trackers.get(peer)?.clear() ?? 0
  }

  /** Forgets a peer entirely (it disconnected). */
  removePeer (peer: PeerKey): void {
    this.trackers.delete(peer)
  }

  /** Whether any peer has a task that could be popped now. */
  hasWork (): boolean {
    const now = this.init.clock.now()
    for (const tracker of this.trackers.values()) {
      if (this.ready(tracker, now)) return true
    }
    return false
  }

  /** When a peer held back only by its sending limits may go next, if any is: when to look again. */
  nextReadyAt (): number | undefined {
    if (!this.limited) return undefined
    const now = this.init.clock.now()
    let next: number | undefined
    for (const tracker of this.trackers.values()) {
      const deferred = tracker.nextDeferredAt()
      if (deferred != null && (next == null || deferred < next)) next = deferred
      if (tracker.pendingCount === 0 || tracker.activeBytes >= this.init.maxOutstandingBytesPerPeer) continue
      const at = tracker.limits?.readyAt(now) ?? now
      if (at > now && (next == null || at < next)) next = at
    }
    return next
  }

  /** Pops the next batch from the peer the strategy ranks first, or undefined when nobody has work. */
  pop (): TaskBatch | undefined {
    const now = this.init.clock.now()
    const strategy = this.init.strategy
    let best: PeerTracker | undefined
    for (const tracker of this.trackers.values()) {
      if (!this.ready(tracker, now)) continue
      if (best == null || strategy.comparePeers(tracker.view(), best.view(), now) < 0) best = tracker
    }
    if (best == null) return undefined
    const tasks = best.pop(this.init.targetMessageSize, this.init.maxOutstandingBytesPerPeer)
    const limits = best.limits
    if (limits != null) {
      let bytes = 0
      const blocks: string[] = []
      for (const task of tasks) {
        bytes += task.work
        if (task.reply === 'block') blocks.push(task.key)
      }
      limits.charge(bytes, blocks, now)
      if (limits.readyAt(now) > now) this.rateLimited++
    }
    return { peer: best.peer, tasks, pendingBytes: best.pendingWork }
  }

  /** The batch went out (or was given up): frees the peer's outstanding bytes. */
  done (batch: TaskBatch): void {
    this.trackers.get(batch.peer)?.done(batch.tasks, this.init.clock.now())
  }

  private ready (tracker: PeerTracker, now: number): boolean {
    if (this.limited) tracker.promote(now)
    if (tracker.pendingCount === 0 || tracker.activeBytes >= this.init.maxOutstandingBytesPerPeer) return false
    return tracker.limits == null || tracker.limits.readyAt(now) <= now
  }
}
