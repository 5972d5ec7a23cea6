import type { AbortOptions, Clock } from '@swapwright/core'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** How long each kind of access waits, ms. */
export interface BlockstoreDelays {
  get: number
  has: number
  put: number
}

export interface DelayedBlockstoreInit {
  /** The clock to wait on: the simulation's VirtualClock, so a slow disk costs virtual time only. */
  clock: Clock
  /** One delay for every access, or one per kind (missing kinds do not wait). */
  delay: number | Partial<BlockstoreDelays>
}

/**
 * A blockstore that is slow on purpose: each get, has and put waits on the injected clock before it reaches the
 * store underneath, the way a disk or a remote datastore would. Simulations use it to give a node storage
 * latency (the Go benchmarks give seeds 25 ms in their datacenter scenarios). Deletes and listings pass
 * straight through: no scenario measures them.
 */
export class DelayedBlockstore implements Blockstore {
  readonly inner: Blockstore
  readonly delays: Readonly<BlockstoreDelays>
  private readonly clock: Clock

  constructor (inner: Blockstore, init: DelayedBlockstoreInit) {
    const { delay } = init
    const delays = typeof delay === 'number' ? { get: delay, has: delay, put: delay } : { get: 0, has: 0, put: 0, ...delay }
    for (const [kind, ms] of Object.entries(delays)) {
      if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`Blockstore ${kind} delay must be a finite number >= 0, got ${ms}`)
    }
    this.inner = inner
    this.clock = init.clock
    this.delays = Object.freeze(delays)
  }

  async has (key: CID, options?: AbortOptions): Promise<boolean> {
    await this.wait(this.delays.has, options)
    return this.inner.has(key, options)
  }

  async put (key: CID, value: InputPair['bytes'], options?: AbortOptions): Promise<CID> {
    await this.wait(this.delays.put, options)
    return this.inner.put(key, value, options)
  }

  async * get (key: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    await this.wait(this.delays.get, options)
    yield * this.inner.get(key, options)
  }

  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<Pair> {
    for await (const cid of source) {
      await this.wait(this.delays.get, options)
      yield { cid, bytes: this.inner.get(cid, options) }
    }
  }

  async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): AsyncGenerator<CID> {
    for await (const { cid, bytes } of source) yield await this.put(cid, bytes, options)
  }

  async delete (key: CID, options?: AbortOptions): Promise<void> {
    await this.inner.delete(key, options)
  }

  async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<CID> {
    yield * this.inner.deleteMany(source, options)
  }

  async * getAll (options?: AbortOptions): AsyncGenerator<Pair> {
    yield * this.inner.getAll(options)
  }

  /** No delay costs no timer: a zero-latency store stays as cheap as the one it wraps. */
  private async wait (ms: number, options?: AbortOptions): Promise<void> {
    if (ms > 0) await this.clock.sleep(ms, options)
  }
}

/** Wraps `inner` so every access waits `delay` on `clock` first. */
export function delayedBlockstore (inner: Blockstore, init: DelayedBlockstoreInit): DelayedBlockstore {
  return new DelayedBlockstore(inner, init)
}
