import { Worker } from 'node:worker_threads'
import { fsBatchWorkerMain } from './fs-batch-worker.js'

/** Most blocks in one batch handed to the writer thread; a batch also ends at `MAX_BATCH_BYTES`. */
const MAX_BATCH_BLOCKS = 256
/** Most bytes in one batch: big blocks go a few at a time, so the first of them is on disk sooner. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024

interface Pending {
  dir: string
  name: string
  temp: string
  bytes: Uint8Array
  resolve: () => void
  reject: (err: unknown) => void
}

interface Failure { code?: string, syscall?: string, path?: string, message: string }

/**
 * Writes whole blocks to files in batches, on one thread of its own (see fs-batch-worker.ts). Writes asked for
 * in one turn of the event loop go out together as one message: their bytes are copied once into one buffer
 * that is handed over without a further copy, and the thread writes them one after another with plain system
 * calls. The event loop pays one message per batch instead of four thread-pool round trips, a file handle and
 * their promises per block.
 *
 * The thread starts with the first write and holds the process open only while writes are on their way.
 */
export class FsBatchWriter {
  readonly #fsync: boolean
  readonly #threads: Array<Worker | undefined>
  /** The batches each thread holds, by id. */
  readonly #held: Array<Set<number>>
  #queued: Pending[] = []
  #flushScheduled = false
  readonly #inFlight = new Map<number, Pending[]>()
  #nextId = 0

  constructor (fsync: boolean, threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`writerThreads must be a positive integer, got ${threads}`)
    this.#fsync = fsync
    this.#threads = new Array(threads).fill(undefined)
    this.#held = Array.from({ length: threads }, () => new Set<number>())
  }

  /** Writes `bytes` to `dir/name` atomically through the temp file `dir/temp`; resolves once renamed. */
  async write (dir: string, name: string, temp: string, bytes: Uint8Array): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#queued.push({ dir, name, temp, bytes, resolve, reject })
      if (!this.#flushScheduled) {
        this.#flushScheduled = true
        // after the promise jobs of this turn, so the puts of one received message share a batch
        setImmediate(() => { this.#flush() })
      }
    })
  }

  /** Waits for every write asked for, then stops the thread (a later write starts another). */
  async close (): Promise<void> {
    while (this.#queued.length > 0 || this.#inFlight.size > 0) {
      await new Promise(resolve => setImmediate(resolve))
    }
    const threads = this.#threads.splice(0, this.#threads.length, ...this.#threads.map(() => undefined))
    await Promise.all(threads.map(async worker => worker?.terminate()))
  }

  #flush (): void {
    this.#flushScheduled = false
    while (this.#queued.length > 0) {
      let bytes = 0
      let count = 0
      while (count < this.#queued.length && count < MAX_BATCH_BLOCKS && (count === 0 || bytes + this.#queued[count].bytes.byteLength <= MAX_BATCH_BYTES)) {
        bytes += this.#queued[count].bytes.byteLength
        count++
      }
      this.#send(this.#queued.splice(0, count), bytes)
    }
  }

  #send (batch: Pending[], size: number): void {
    const buffer = new ArrayBuffer(size)
    const packed = new Uint8Array(buffer)
    const items: Array<[string, string, string, number, number]> = []
    let offset = 0
    for (const { dir, name, temp, bytes } of batch) {
      packed.set(bytes, offset)
      items.push([dir, name, temp, offset, bytes.byteLength])
      offset += bytes.byteLength
    }
    const id = this.#nextId++
    this.#inFlight.set(id, batch)
    // the least busy thread: file creations in different threads proceed in parallel in the kernel
    let slot = 0
    for (let i = 1; i < this.#held.length; i++) if (this.#held[i].size < this.#held[slot].size) slot = i
    const worker = this.#thread(slot)
    if (this.#held[slot].size === 0) worker.ref()
    this.#held[slot].add(id)
    worker.postMessage({ id, fsync: this.#fsync, items, buffer }, [buffer])
  }

  #thread (slot: number): Worker {
    const existing = this.#threads[slot]
    if (existing != null) return existing
    const worker = new Worker(`(${fsBatchWorkerMain.toString()})()`, { eval: true })
    worker.on('message', ({ id, results }: { id: number, results: Array<Failure | null> }) => {
      const batch = this.#inFlight.get(id)
      this.#inFlight.delete(id)
      // an idle thread does not keep the process alive
      this.#held[slot].delete(id)
      if (this.#held[slot].size === 0) worker.unref()
      batch?.forEach((pending, i) => {
        const failed = results[i]
        if (failed == null) pending.resolve()
        else pending.reject(asError(failed))
      })
    })
    worker.on('error', err => { this.#lost(slot, worker, err) })
    worker.on('exit', code => { this.#lost(slot, worker, new Error(`The filesystem store's writer thread exited (code ${code})`)) })
    this.#threads[slot] = worker
    return worker
  }

  /** A thread died: every write it held fails, and the next batch for its slot starts a new thread. */
  #lost (slot: number, worker: Worker, err: Error): void {
    if (this.#threads[slot] !== worker) return
    this.#threads[slot] = undefined
    for (const id of this.#held[slot]) {
      for (const pending of this.#inFlight.get(id) ?? []) pending.reject(err)
      this.#inFlight.delete(id)
    }
    this.#held[slot].clear()
  }
}

/** A failure from the thread as the Error a system call raises here: message, `code`, `syscall` and `path`. */
function asError (failure: Failure): Error {
  return Object.assign(new Error(failure.message), {
    ...(failure.code == null ? {} : { code: failure.code }),
    ...(failure.syscall == null ? {} : { syscall: failure.syscall }),
    ...(failure.path == null ? {} : { path: failure.path })
  })
}
