/**
 * At most `limit` writes run at once; the rest wait in arrival order. Without it, a client that puts every block
 * of every received message at once starts thousands of file creations together, which only lengthens the
 * filesystem's queue and keeps every block's bytes alive until its turn comes.
 *
 * `queued` is what a network layer would watch to slow down reading when the disk falls behind, and
 * `writable()` what it would await before taking more blocks in.
 */
export class FsWriteGate {
  readonly limit: number
  #active = 0
  readonly #waiting: Array<() => void> = []
  #writable: Array<() => void> = []

  constructor (limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`writeConcurrency must be a positive integer, got ${limit}`)
    this.limit = limit
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

  /** Runs `write` in a free slot; a signal that fires while it waits rejects without ever starting it. */
  async run<T> (write: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#acquire(signal)
    try {
      return await write()
    } finally {
      this.#release()
    }
  }

  async #acquire (signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    if (this.#active < this.limit) {
      this.#active++
      return
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.#waiting.indexOf(start)
        if (at >= 0) this.#waiting.splice(at, 1)
        this.#notifyIfWritable()
        reject(signal?.reason)
      }
      // the slot is handed over by #release: active stays as it is
      const start = (): void => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      this.#waiting.push(start)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  #release (): void {
    const next = this.#waiting.shift()
    if (next != null) next()
    else this.#active--
    this.#notifyIfWritable()
  }

  #notifyIfWritable (): void {
    if (this.#waiting.length > 0 || this.#writable.length === 0) return
    const waiters = this.#writable
    this.#writable = []
    for (const resolve of waiters) resolve()
  }
}
