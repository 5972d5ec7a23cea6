import { PeerTracker } from './peer-tracker.js'
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

  constructor (init: PeerTaskQueueInit) {
    this.init = init
  }

  tracker (peer: PeerKey): PeerTracker {
    let tracker = this.trackers.get(peer)
    if (tracker == null) {
      tracker = new PeerTracker(peer, this.init.strategy)
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
    this.tracker(task.peer).push(task)
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
    for (const tracker of this.trackers.values()) {
      if (this.ready(tracker)) return true
    }
    return false
  }

  /** Pops the next batch from the peer the strategy ranks first, or undefined when nobody has work. */
  pop (): TaskBatch | undefined {
    const now = this.init.clock.now()
    const strategy = this.init.strategy
    let best: PeerTracker | undefined
    for (const tracker of this.trackers.values()) {
      if (!this.ready(tracker)) continue
      if (best == null || strategy.comparePeers(tracker.view(), best.view(), now) < 0) best = tracker
    }
    if (best == null) return undefined
    const tasks = best.pop(this.init.targetMessageSize, this.init.maxOutstandingBytesPerPeer)
    return { peer: best.peer, tasks, pendingBytes: best.pendingWork }
  }

  /** The batch went out (or was given up): frees the peer's outstanding bytes. */
  done (batch: TaskBatch): void {
    this.trackers.get(batch.peer)?.done(batch.tasks, this.init.clock.now())
  }

  private ready (tracker: PeerTracker): boolean {
    return tracker.pendingCount > 0 && tracker.activeBytes < this.init.maxOutstandingBytesPerPeer
  }
}
