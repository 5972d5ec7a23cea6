/**
 * Counts one peer's received messages that the node has not finished applying, and lets readers wait for room.
 * Shared by every inbound stream of the peer, so opening more streams does not buy a peer a longer queue.
 */
export class PeerIntake {
  private readonly limit: number
  private pending = 0
  private waiters: Array<() => void> = []

  constructor (limit: number) {
    this.limit = limit
  }

  get full (): boolean {
    return this.pending >= this.limit
  }

  /** Messages handed over and not yet applied. */
  get queued (): number {
    return this.pending
  }

  /** Counts a handed-over message until `applied` settles; a handler that returned nothing is done at once. */
  track (applied: void | Promise<void>): void {
    if (applied == null) return
    this.pending++
    void applied.finally(() => {
      this.pending--
      const waiters = this.waiters
      this.waiters = []
      for (const wake of waiters) wake()
    })
  }

  /** Resolves once the peer is below its limit, or when `signal` aborts (the stream ended meanwhile). */
  async room (signal: AbortSignal): Promise<void> {
    while (this.full && !signal.aborted) {
      await new Promise<void>(resolve => {
        const done = (): void => {
          signal.removeEventListener('abort', done)
          resolve()
        }
        this.waiters.push(done)
        signal.addEventListener('abort', done, { once: true })
      })
    }
  }
}
