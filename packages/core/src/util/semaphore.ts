import { Fifo } from './fifo.js'

/** At most `limit` async jobs at once; the rest wait in arrival order. */
export class Semaphore {
  private readonly limit: number
  private running = 0
  private readonly waiting = new Fifo<() => void>()

  constructor (limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`Concurrency must be a positive integer, got ${limit}`)
    this.limit = limit
  }

  async run<T> (job: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      // The releasing job hands its slot straight to us, so `running` stays as it is.
      await new Promise<void>(resolve => { this.waiting.push(resolve) })
    } else {
      this.running++
    }
    try {
      return await job()
    } finally {
      const next = this.waiting.shift()
      if (next != null) next()
      else this.running--
    }
  }
}
