import { AbortError } from '../errors.js'
import { blockKey } from '../wire/prefix.js'
import type { AbortOptions } from '../types.js'
import type { CID } from 'multiformats/cid'

interface Waiter {
  resolve: (bytes: Uint8Array) => void
  reject: (err: Error) => void
}

/** Wakes whoever waits for a block when it arrives; an aborted wait leaves nothing behind. */
export class Notifications {
  private readonly waiting = new Map<string, Set<Waiter>>()

  wait (cid: CID, options: AbortOptions = {}): Promise<Uint8Array> {
    const { signal } = options
    if (signal?.aborted === true) return Promise.reject(new AbortError(`Want for ${cid} was aborted`, { cause: signal.reason }))
    const key = blockKey(cid)
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.remove(key, waiter)
        reject(new AbortError(`Want for ${cid} was aborted`, { cause: signal?.reason }))
      }
      const waiter: Waiter = {
        resolve: bytes => {
          signal?.removeEventListener('abort', onAbort)
          resolve(bytes)
        },
        reject
      }
      let set = this.waiting.get(key)
      if (set == null) {
        set = new Set()
        this.waiting.set(key, set)
      }
      set.add(waiter)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
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

  private remove (key: string, waiter: Waiter): void {
    const set = this.waiting.get(key)
    if (set == null) return
    set.delete(waiter)
    if (set.size === 0) this.waiting.delete(key)
  }
}
