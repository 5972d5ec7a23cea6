/**
 * At most `limit` writes, holding at most `byteLimit` bytes between them, run at once; the rest wait in arrival
 * order. Without it, a client that puts every block of every received message at once starts thousands of
 * writes together, which only lengthens the filesystem's queue and keeps every block's bytes alive until its
 * turn comes. A single write larger than `byteLimit` still runs, alone.
 *
 * `queued` is what a network layer watches to slow down reading when the disk falls behind, and `writable()`
 * what it awaits before taking more blocks in.
 */
export class FsWriteGate {
  readonly limit: number
  readonly byteLimit: number
  #active = 0
  #activeBytes = 0
  readonly #waiting: Array<{ bytes: number, start: () => void }> = []
  #writable: Array<() => void> = []

  constructor (limit: number, byteLimit = Infinity) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`writeConcurrency must be a positive integer, got ${limit}`)
    if (!(byteLimit >= 1)) throw new RangeError(`writeBufferSize must be at least 1 byte, got ${byteLimit}`)
    this.limit = limit
    this.byteLimit = byteLimit
  }

  /** Writes running now. */
  get active (): number {
    return this.#active
  }

  /** Writes waiting for a free slot. */
  get queued (): number {
    return this.#waiting.length
  }

  /** Resolves once no write is waiting, that is when a new write would start at once. */
  async writable (): Promise<void> {
    if (this.#waiting.length === 0) return
    await new Promise<void>(resolve => { this.#writable.push(resolve) })
  }

  /**
   * Runs `write` (of `bytes` bytes; 0 when unknown) in a free slot; a signal that fires while it waits rejects
   * without ever starting it.
   */
  async run<T> (write: () => Promise<T>, signal?: AbortSignal, bytes = 0): Promise<T> {
    await this.#acquire(bytes, signal)
    try {
      return await write()
    } finally {
      this.#release(bytes)
    }
  }

  #fits (bytes: number): boolean {
    return this.#active < this.limit && (this.#active === 0 || this.#activeBytes + bytes <= this.byteLimit)
  }

  #take (bytes: number): void {
    this.#active++
    this.#activeBytes += bytes
  }

  async #acquire (bytes: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    if (this.#waiting.length === 0 && this.#fits(bytes)) {
      this.#take(bytes)
      return
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.#waiting.indexOf(entry)
        if (at >= 0) this.#waiting.splice(at, 1)
        this.#admit()
        reject(signal?.reason)
      }
      // the slot is taken by #admit on this write's behalf
      const entry = {
        bytes,
        start: (): void => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
      }
      this.#waiting.push(entry)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  #release (bytes: number): void {
    this.#active--
    this.#activeBytes -= bytes
    this.#admit()
  }

  /** Starts waiting writes in arrival order while they fit, then tells `writable()` callers if none is left. */
  #admit (): void {
    for (let next = this.#waiting[0]; next !== undefined && this.#fits(next.bytes); next = this.#waiting[0]) {
      this.#waiting.shift()
      this.#take(next.bytes)
      next.start()
    }
    if (this.#waiting.length > 0 || this.#writable.length === 0) return
    const waiters = this.#writable
    this.#writable = []
    for (const resolve of waiters) resolve()
  }
}
