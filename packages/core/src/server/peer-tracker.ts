import { Heap } from '../util/heap.js'
import type { PeerSendLimits } from './send-limits.js'
import { addsInformation, mergeInto, type Task } from './task.js'
import type { DecisionStrategy, PeerQueueView } from '../interfaces/decision-strategy.js'
import type { PeerKey } from '../types.js'

/** One peer's queue on the server: pending tasks in the strategy's order, and what was popped but not sent. */
export class PeerTracker {
  readonly peer: PeerKey
  private readonly pending = new Map<string, Task>()
  private heap: Heap<Task>
  private readonly strategy: DecisionStrategy
  /** Dead entries still in the heap; compacted away before they can outgrow the live ones. */
  private dead = 0
  private readonly active = new Map<Task, number>()
  /** The peer's sending limits, when any is on. */
  readonly limits: PeerSendLimits | undefined
  /** Block tasks held back until the resend interval allows the block again, with when. */
  private readonly deferred = new Map<string, { task: Task, at: number }>()
  activeBytes = 0
  lastServedAt: number | undefined
  bytesSent = 0
  bytesReceived = 0

  constructor (peer: PeerKey, strategy: DecisionStrategy, limits?: PeerSendLimits) {
    this.peer = peer
    this.strategy = strategy
    this.limits = limits
    this.heap = this.newHeap()
  }

  get pendingCount (): number {
    return this.pending.size
  }

  get activeCount (): number {
    return this.active.size
  }

  get pendingWork (): number {
    let work = 0
    for (const task of this.pending.values()) work += task.work
    return work
  }

  view (): PeerQueueView {
    return {
      peer: this.peer,
      pendingTasks: this.pending.size,
      activeTasks: this.active.size,
      activeBytes: this.activeBytes,
      lastServedAt: this.lastServedAt,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      headTask: this.head()
    }
  }

  /** The next live task, dropping dead entries that reached the top of the heap. */
  private head (): Task | undefined {
    let top = this.heap.peek()
    while (top?.dead === true) {
      this.heap.pop()
      this.dead--
      top = this.heap.peek()
    }
    return top
  }

  /**
   * Queues a task. A pending task for the same CID absorbs it; a task for a CID already being sent is kept only
   * when it tells the peer more (a block after a HAVE), since otherwise the answer is already on its way.
   */
  push (task: Task, now = 0): boolean {
    const held = this.deferred.get(task.key)
    if (held != null) {
      mergeInto(held.task, task)
      return false
    }
    if (this.limits != null && task.reply === 'block') {
      const at = this.limits.resendAt(task.key, now)
      if (at > now && !this.pending.has(task.key)) {
        this.deferred.set(task.key, { task, at })
        return true
      }
    }
    this.queue(task)
    return false
  }

  /** Moves the held-back tasks whose time has come into the queue. */
  promote (now: number): void {
    if (this.deferred.size === 0) return
    for (const [key, { task, at }] of this.deferred) {
      if (at > now) continue
      this.deferred.delete(key)
      this.queue(task)
    }
  }

  /** When the next held-back task may go, if any is held. */
  nextDeferredAt (): number | undefined {
    let next: number | undefined
    for (const { at } of this.deferred.values()) if (next == null || at < next) next = at
    return next
  }

  /** Tasks held back by the resend interval. */
  get deferredCount (): number {
    return this.deferred.size
  }

  private queue (task: Task): void {
    const queued = this.pending.get(task.key)
    if (queued != null) {
      const before = queued.priority
      mergeInto(queued, task)
      if (queued.priority !== before) this.reheap(queued)
      return
    }
    for (const running of this.active.keys()) {
      if (running.key === task.key && !addsInformation(running, task)) return
    }
    this.pending.set(task.key, task)
    this.heap.push(task)
  }

  /** Drops a pending task (cancel or eviction). */
  remove (key: string): void {
    this.deferred.delete(key)
    const task = this.pending.get(key)
    if (task == null) return
    this.pending.delete(key)
    this.bury(task)
  }

  /** Drops every pending task (the tasks being sent are left to finish); returns how many were dropped. */
  clear (): number {
    const dropped = this.pending.size + this.deferred.size
    this.pending.clear()
    this.deferred.clear()
    this.heap = this.newHeap()
    this.dead = 0
    return dropped
  }

  /**
   * Pops tasks in order until `target` bytes of work, or until the peer's outstanding bytes reach `maxOutstanding`.
   * The last task may overshoot: a block is never split.
   */
  pop (target: number, maxOutstanding: number): Task[] {
    const out: Task[] = []
    let work = 0
    while (work < target && this.activeBytes < maxOutstanding) {
      const task = this.heap.pop()
      if (task == null) break
      if (task.dead) {
        this.dead--
        continue
      }
      this.pending.delete(task.key)
      this.active.set(task, task.work)
      this.activeBytes += task.work
      work += task.work
      out.push(task)
    }
    return out
  }

  /** The tasks were sent (or given up on): they stop counting as outstanding. */
  done (tasks: readonly Task[], now: number): void {
    for (const task of tasks) {
      const work = this.active.get(task)
      if (work == null) continue
      this.active.delete(task)
      this.activeBytes -= work
    }
    this.lastServedAt = now
  }

  /** Re-inserts a task whose priority changed: the old heap slot is left behind, dead. */
  private reheap (task: Task): void {
    const copy: Task = { ...task, dead: false }
    this.pending.set(copy.key, copy)
    this.heap.push(copy)
    this.bury(task)
  }

  private bury (task: Task): void {
    task.dead = true
    this.dead++
    if (this.dead > 64 && this.dead > this.pending.size) {
      this.heap = this.newHeap()
      for (const live of this.pending.values()) this.heap.push(live)
      this.dead = 0
    }
  }

  private newHeap (): Heap<Task> {
    return new Heap<Task>((a, b) => this.strategy.compareTasks(a, b) < 0)
  }

  /** Pending tasks, for tests and stats. */
  pendingTasks (): Task[] {
    return [...this.pending.values()]
  }
}
