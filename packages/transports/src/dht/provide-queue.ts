import { logger } from '@libp2p/logger'
import { blockKey, StoppedError, SwapwrightError, type AbortOptions } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

const log = logger('swapwright:transports:provide-queue')

/** The provide queue is full: the announcement was not queued (it is not an error for the block itself). */
export class ProvideQueueFullError extends SwapwrightError {
  constructor (limit: number) {
    super('ERR_PROVIDE_QUEUE_FULL', `The provide queue already holds ${limit} announcements`)
  }
}

/** Announcements running at once: each is a DHT walk of many round trips, so a few overlap well. */
export const DEFAULT_PROVIDE_WORKERS = 4
/** Announcements waiting at most; a node that receives a large DAG queues one per block. */
export const DEFAULT_MAX_QUEUED_PROVIDES = 1024

export interface ProvideQueueInit {
  /** Announcements running at once (default `DEFAULT_PROVIDE_WORKERS`, 4). */
  workers?: number
  /** Announcements waiting; more are refused with ProvideQueueFullError (default `DEFAULT_MAX_QUEUED_PROVIDES`, 1024). */
  maxQueued?: number
}

interface Job {
  cid: CID
  resolve: () => void
  reject: (err: Error) => void
}

/**
 * Announcing a block on a DHT takes many round trips; a node that stores thousands of blocks must not start
 * thousands of announcements at once. A few workers drain a bounded queue, and a CID already queued is not
 * queued twice.
 */
export class ProvideQueue {
  private readonly announce: (cid: CID, options: AbortOptions) => Promise<void>
  private readonly workers: number
  private readonly maxQueued: number
  private readonly queue: Job[] = []
  private readonly queued = new Map<string, Promise<void>>()
  private running = 0
  private controller = new AbortController()
  provided = 0
  failed = 0
  refused = 0

  constructor (announce: (cid: CID, options: AbortOptions) => Promise<void>, init: ProvideQueueInit = {}) {
    this.announce = announce
    this.workers = init.workers ?? DEFAULT_PROVIDE_WORKERS
    this.maxQueued = init.maxQueued ?? DEFAULT_MAX_QUEUED_PROVIDES
  }

  get size (): number {
    return this.queue.length + this.running
  }

  /** Resolves once the CID was announced; rejects when it could not be, or the queue is full or stopped. */
  provide (cid: CID): Promise<void> {
    const key = blockKey(cid)
    const existing = this.queued.get(key)
    if (existing != null) return existing
    if (this.controller.signal.aborted) return Promise.reject(new StoppedError('The provide queue'))
    if (this.queue.length >= this.maxQueued) {
      this.refused++
      return Promise.reject(new ProvideQueueFullError(this.maxQueued))
    }
    const done = new Promise<void>((resolve, reject) => { this.queue.push({ cid, resolve, reject }) })
    this.queued.set(key, done)
    void done.catch(() => {}).finally(() => { this.queued.delete(key) })
    this.drain()
    return done
  }

  /** Takes announcements again after a stop (a node that is started again). */
  start (): void {
    if (this.controller.signal.aborted) this.controller = new AbortController()
  }

  stop (): void {
    this.controller.abort()
    for (const job of this.queue.splice(0)) job.reject(new StoppedError('The provide queue'))
  }

  private drain (): void {
    while (this.running < this.workers && this.queue.length > 0) {
      const job = this.queue.shift() as Job
      this.running++
      this.announce(job.cid, { signal: this.controller.signal }).then(
        () => { this.provided++; job.resolve() },
        (err: Error) => {
          this.failed++
          log('announcing %s failed: %s', job.cid, err.message)
          job.reject(err)
        }
      ).finally(() => {
        this.running--
        this.drain()
      })
    }
  }
}
