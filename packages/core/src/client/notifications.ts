import { AbortError } from '../errors.js'
import { blockKey } from '../wire/prefix.js'
import type { AbortOptions } from '../types.js'
import type { CID } from 'multiformats/cid'

interface Waiter {
  resolve: (bytes: Uint8Array) => void
  reject: (err: Error) => void
}

/** A pending wait for one block; `cancel` rejects it with an AbortError and forgets it. */
export interface Waiting {
  promise: Promise<Uint8Array>
  cancel: (reason?: unknown) => void
}

/** Wakes whoever waits for a block when it arrives; a cancelled wait leaves nothing behind. */
export class Notifications {
  private readonly waiting = new Map<string, Set<Waiter>>()

  /**
   * Waits for `cid` without any signal: callers waiting for many blocks attach one abort listener for all of
   * them, because thousands of listeners on one signal make each removal linear.
   */
  wait (cid: CID): Waiting {
    const key = blockKey(cid)
    let waiter!: Waiter
    const promise = new Promise<Uint8Array>((resolve, reject) => { waiter = { resolve, reject } })
    let set = this.waiting.get(key)
    if (set == null) {
      set = new Set()
      this.waiting.set(key, set)
    }
    set.add(waiter)
    return {
      promise,
      cancel: (reason?: unknown) => {
        if (this.remove(key, waiter)) waiter.reject(new AbortError(`Want for ${cid} was aborted`, { cause: reason }))
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
    const key = blockKey(cid)
    const set = this.waiting.get(key)
    if (set == null) return
    this.waiting.delete(key)
    for (const waiter of set) waiter.resolve(bytes)
  }

  /** Fails every waiter (the node is stopping). */
  rejectAll (err: Error): void {
    const all = [...this.waiting.values()]
    this.waiting.clear()
    for (const set of all) for (const waiter of set) waiter.reject(err)
  }

  get size (): number {
    return this.waiting.size
  }

  private remove (key: string, waiter: Waiter): boolean {
    const set = this.waiting.get(key)
    if (set?.delete(waiter) !== true) return false
    if (set.size === 0) this.waiting.delete(key)
    return true
  }
}
