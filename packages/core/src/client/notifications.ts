import { AbortError } from '../errors.js'
import { blockKey } from '../wire/prefix.js'
import type { AbortOptions } from '../types.js'
import type { CID } from 'multiformats/cid'

/** Called once: with the block's bytes, or with the error that ended the wait. */
export interface Waiter {
  resolve: (bytes: Uint8Array) => void
  reject: (err: Error) => void
}

/** A pending wait for one block; `cancel` rejects it with an AbortError and forgets it. */
export interface Waiting {
  promise: Promise<Uint8Array>
  cancel: (reason?: unknown) => void
}

/**
 * Wakes whoever waits for a block when it arrives; a cancelled wait leaves nothing behind. Nearly every block has
 * exactly one waiter, so a key maps to the waiter itself until a second one joins.
 */
export class Notifications {
  private readonly waiting = new Map<string, Waiter | Set<Waiter>>()

  /**
   * Registers `waiter` for `cid`, without any promise or signal: a batch of thousands of blocks registers one
   * waiter each and one abort listener for all. Returns a function that withdraws the waiter, true if it was
   * still waiting (and so was never called).
   */
  listen (cid: CID, waiter: Waiter): () => boolean {
    const key = this.register(cid, waiter)
    return () => this.remove(key, waiter)
  }

  /** `listen` without the function to withdraw: `withdraw` takes the waiter back. */
  add (cid: CID, waiter: Waiter): void {
    this.register(cid, waiter)
  }

  /** Takes back a waiter registered for `cid`; true if it was still waiting (and so was never called). */
  withdraw (cid: CID, waiter: Waiter): boolean {
    return this.remove(blockKey(cid), waiter)
  }

  private register (cid: CID, waiter: Waiter): string {
    const key = blockKey(cid)
    const current = this.waiting.get(key)
    if (current === undefined) {
      this.waiting.set(key, waiter)
    } else if (current instanceof Set) {
      current.add(waiter)
    } else {
      this.waiting.set(key, new Set([current, waiter]))
    }
    return key
  }

  /**
   * Waits for `cid` without any signal: callers waiting for many blocks attach one abort listener for all of
   * them, because thousands of listeners on one signal make each removal linear.
   */
  wait (cid: CID): Waiting {
    let waiter!: Waiter
    const promise = new Promise<Uint8Array>((resolve, reject) => { waiter = { resolve, reject } })
    const withdraw = this.listen(cid, waiter)
    return {
      promise,
      cancel: (reason?: unknown) => {
        if (withdraw()) waiter.reject(new AbortError(`Want for ${cid} was aborted`, { cause: reason }))
      }
    }
  }

  /** Waits for `cid` until it arrives or `signal` aborts. */
  async waitFor (cid: CID, options: AbortOptions = {}): Promise<Uint8Array> {
    const { signal } = options
    if (signal?.aborted === true) throw new AbortError(`Want for ${cid} was aborted`, { cause: signal.reason })
    const waiting = this.wait(cid)
    const onAbort = (): void => { waiting.cancel(signal?.reason) }
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      return await waiting.promise
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  /** Delivers a verified block to everyone waiting for it. */
  publish (cid: CID, bytes: Uint8Array): void {
    const current = this.take(cid)
    if (current === undefined) return
    if (current instanceof Set) {
      for (const waiter of current) waiter.resolve(bytes)
    } else {
      current.resolve(bytes)
    }
  }

  /** Fails everyone waiting for `cid` with `err` (the block can never arrive). */
  reject (cid: CID, err: Error): void {
    const current = this.take(cid)
    for (const waiter of current instanceof Set ? current : current === undefined ? [] : [current]) waiter.reject(err)
  }

  /** Removes and returns the waiters for `cid`. */
  private take (cid: CID): Waiter | Set<Waiter> | undefined {
    const key = blockKey(cid)
    const current = this.waiting.get(key)
    if (current !== undefined) this.waiting.delete(key)
    return current
  }

  /** Fails every waiter (the node is stopping). */
  rejectAll (err: Error): void {
    const all = [...this.waiting.values()]
    this.waiting.clear()
    for (const entry of all) {
      if (entry instanceof Set) {
        for (const waiter of entry) waiter.reject(err)
      } else {
        entry.reject(err)
      }
    }
  }

  get size (): number {
    return this.waiting.size
  }

  private remove (key: string, waiter: Waiter): boolean {
    const current = this.waiting.get(key)
    if (current === waiter) {
      this.waiting.delete(key)
      return true
    }
    if (!(current instanceof Set) || !current.delete(waiter)) return false
    if (current.size === 1) this.waiting.set(key, current.values().next().value as Waiter)
    return true
  }
}
