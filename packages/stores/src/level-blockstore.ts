import { abortReasonOr } from './abort.js'
import { StoreNotOpenError } from './fs-errors.js'
import type { AbortOptions } from './abort.js'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'
import type { LevelBlockstore as UpstreamLevelBlockstore, LevelBlockstoreInit } from 'blockstore-level'
import type { CID } from 'multiformats/cid'

export type { LevelBlockstoreInit }

/**
 * Blocks in a LevelDB database at `path`, through blockstore-level (keys are multihashes, so CIDv0 and CIDv1 of
 * a block share an entry). Its defaults are kept: `createIfMissing` true, `compression` false (blocks are
 * mostly already compressed or hashed data). Call `open()` before use.
 *
 * A thin wrapper: every call goes to blockstore-level, except that an abort surfaces as the signal's reason
 * (blockstore-level wraps it in PutFailedError / GetFailedError / DeleteFailedError), as in the other stores.
 * LevelDB's native library is loaded by the first `open()`, not by importing this package: a process that only
 * uses the other stores does not carry it (about 3 MiB of resident memory).
 */
export class LevelBlockstore implements Blockstore {
  readonly path: string
  readonly #init: LevelBlockstoreInit
  #upstream: UpstreamLevelBlockstore | undefined

  constructor (path: string, init: LevelBlockstoreInit = {}) {
    this.path = path
    this.#init = init
  }

  async open (): Promise<void> {
    if (this.#upstream == null) {
      const { LevelBlockstore: Upstream } = await import('blockstore-level')
      this.#upstream ??= new Upstream(this.path, this.#init)
    }
    await this.#upstream.open()
  }

  async close (): Promise<void> {
    await this.#upstream?.close()
  }

  get #store (): UpstreamLevelBlockstore {
    if (this.#upstream == null) throw new StoreNotOpenError(this.path)
    return this.#upstream
  }

  async has (key: CID, options: AbortOptions = {}): Promise<boolean> {
    return this.#store.has(key, options).catch(err => { throw abortReasonOr(err, options.signal) })
  }

  async put (key: CID, val: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options: AbortOptions = {}): Promise<CID> {
    return this.#store.put(key, val, options).catch(err => { throw abortReasonOr(err, options.signal) })
  }

  async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options: AbortOptions = {}): AsyncGenerator<CID> {
    yield * this.#guard(this.#store.putMany(source, options), options)
  }

  async * get (key: CID, options: AbortOptions = {}): AsyncGenerator<Uint8Array> {
    yield * this.#guard(this.#store.get(key, options), options)
  }

  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options: AbortOptions = {}): AsyncGenerator<Pair> {
    for await (const { cid, bytes } of this.#guard(this.#store.getMany(source, options), options)) {
      yield { cid, bytes: this.#guard(bytes, options) }
    }
  }

  async delete (key: CID, options: AbortOptions = {}): Promise<void> {
    await this.#store.delete(key, options).catch(err => { throw abortReasonOr(err, options.signal) })
  }

  async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options: AbortOptions = {}): AsyncGenerator<CID> {
    yield * this.#guard(this.#store.deleteMany(source, options), options)
  }

  async * getAll (options: AbortOptions = {}): AsyncGenerator<Pair> {
    yield * this.#guard(this.#store.getAll(options), options)
  }

  async * #guard<T> (source: Iterable<T> | AsyncIterable<T>, options: AbortOptions): AsyncGenerator<T> {
    try {
      yield * source
    } catch (err) {
      throw abortReasonOr(err, options.signal)
    }
  }
}

/** A LevelBlockstore at `path`; call `await store.open()` before use. */
export function levelBlockstore (path: string, init?: LevelBlockstoreInit): LevelBlockstore {
  return new LevelBlockstore(path, init)
}
