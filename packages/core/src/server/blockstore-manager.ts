import { defaultLogger, type ComponentLogger, type Logger } from '@libp2p/logger'
import { errorMessage } from '../errors.js'
import { blockKey } from '../wire/prefix.js'
import { Semaphore } from '../util/semaphore.js'
import { LruMap } from '../util/lru-map.js'
import { collectChunks } from '../util/collect-chunks.js'
import { DEFAULT_SHARED_BLOCK_BYTES } from '../constants.js'
import { hasBlockSizes, type Blockstore, type BlockSizes } from '../interfaces/blockstore.js'
import type { CID } from 'multiformats/cid'

export interface BlockstoreManagerInit {
  /** Where this part logs; `@libp2p/logger`'s default when not given. */
  logger?: ComponentLogger
  /** Reads at once (default 32). */
  concurrency: number
  /** Sizes remembered (default 65,536). */
  sizeCacheEntries: number
  /** Bytes of blocks kept after a read for other peers that want them too (default 16 MiB; 0 keeps none). */
  sharedBlockBytes?: number
}

/**
 * The server's only door to the blockstore: a bounded number of reads at once, and a read error other than
 * "not found" is logged, counted and treated as a missing block, so a failing disk never crashes the engine.
 */
export class BlockstoreManager {
  private readonly log: Logger
  private readonly store: Blockstore
  private readonly limit: Semaphore
  private readonly sizes: LruMap<string, number>
  /** Reads under way, by block: peers wanting the same block at the same time share one read. */
  private readonly reading = new Map<string, Promise<Uint8Array | undefined>>()
  /**
   * Blocks read for one peer and kept for the others that want them too, oldest first: a crowd fetching one file
   * asks for the same blocks a few blocks apart, and each read of a large block is a file read and an allocation
   * the collector pays for again. Bounded by `sharedBlockBytes`; the engine releases a block once nobody wants it.
   */
  private readonly kept = new Map<string, Uint8Array>()
  private keptBytes = 0
  private readonly maxKeptBytes: number
  /** The store offers `size()`, so the size cache is never read. */
  private readonly storeTellsSizes: boolean
  /** Reads that failed for a reason other than the block being absent. */
  readErrors = 0
  /** Reads answered with a block kept from an earlier read. */
  sharedReads = 0

  constructor (store: Blockstore, init: BlockstoreManagerInit) {
    this.log = (init.logger ?? defaultLogger()).forComponent('swapwright:core:blockstore-manager')
    this.store = store
    this.limit = new Semaphore(init.concurrency)
    this.sizes = new LruMap(init.sizeCacheEntries)
    this.maxKeptBytes = init.sharedBlockBytes ?? DEFAULT_SHARED_BLOCK_BYTES
    this.storeTellsSizes = hasBlockSizes(store)
  }

  /**
   * The block's bytes, or undefined when it is missing or unreadable. A read of a block that is already being
   * read joins it (a crowd fetching one file asks for the same blocks at about the same time); the bytes are
   * never written to, so every asker can hold the same array. With `keepWhile`, the bytes are kept for later
   * askers (other peers that want the block too) until `release`, within `sharedBlockBytes`, if it still holds
   * when the read ends: the last want may have gone during the read, and its `release` came before there was
   * anything to let go, so a block kept then would be held by nobody.
   */
  async get (cid: CID, keepWhile?: () => boolean): Promise<Uint8Array | undefined> {
    const key = blockKey(cid)
    const kept = this.kept.get(key)
    if (kept != null) {
      this.sharedReads++
      return kept
    }
    const running = this.reading.get(key)
    if (running != null) return running
    const read = this.read(cid, key).finally(() => { this.reading.delete(key) })
    this.reading.set(key, read)
    if (keepWhile == null) return read
    const bytes = await read
    if (bytes != null && keepWhile()) this.keep(key, bytes)
    return bytes
  }

  /** Forgets a kept block: nobody wants it any more. */
  release (key: string): void {
    const bytes = this.kept.get(key)
    if (bytes == null) return
    this.kept.delete(key)
    this.keptBytes -= bytes.byteLength
  }

  /** Blocks kept for other askers, and their bytes. */
  get keeping (): { blocks: number, bytes: number } {
    return { blocks: this.kept.size, bytes: this.keptBytes }
  }

  private keep (key: string, bytes: Uint8Array): void {
    if (this.kept.has(key) || bytes.byteLength > this.maxKeptBytes) return
    // Oldest first: in a crowd the block kept longest is the one the slowest peers have passed already.
    for (const [oldest] of this.kept) {
      if (this.keptBytes + bytes.byteLength <= this.maxKeptBytes) break
      this.release(oldest)
    }
    this.kept.set(key, bytes)
    this.keptBytes += bytes.byteLength
  }

  private async read (cid: CID, key: string): Promise<Uint8Array | undefined> {
    return this.limit.run(async () => {
      try {
        const bytes = await collectChunks(this.store.get(cid))
        // A store that tells sizes itself is asked for them (see `size`): caching them too is work per block.
        if (!this.storeTellsSizes) this.sizes.set(key, bytes.byteLength)
        return bytes
      } catch (err) {
        if (!isNotFound(err)) {
          this.readErrors++
          this.log.error('reading %s failed, treating it as missing: %s', cid, errorMessage(err))
        }
        return undefined
      }
    })
  }

  /** The block's size, or undefined when it is missing. Sizes of content-addressed blocks never change. */
  async size (cid: CID): Promise<number | undefined> {
    const store = this.store
    if (hasBlockSizes(store)) return this.sizeFromStore(store, cid)
    // `has` first: most wants a busy server sees are for blocks it lacks, and a miss through `get` costs a
    // thrown error per want.
    if (!(await this.has(cid))) {
      this.sizes.delete(blockKey(cid))
      return undefined
    }
    return this.sizes.get(blockKey(cid)) ?? (await this.get(cid))?.byteLength
  }

  /** One cheap lookup (a stat, for files) instead of a `has` and a read of the whole block. */
  private async sizeFromStore (store: BlockSizes, cid: CID): Promise<number | undefined> {
    // Not answered from the cache: the lookup is as cheap as `has`, and also notices a deleted block.
    return this.limit.run(async () => {
      try {
        return await store.size(cid)
      } catch (err) {
        this.readErrors++
        this.log.error('sizing %s failed, treating it as missing: %s', cid, errorMessage(err))
        return undefined
      }
    })
  }

  async has (cid: CID): Promise<boolean> {
    return this.limit.run(async () => {
      try {
        return await this.store.has(cid)
      } catch (err) {
        this.readErrors++
        this.log.error('checking %s failed, treating it as missing: %s', cid, errorMessage(err))
        return false
      }
    })
  }

  /**
   * Sizes of many blocks, read with the bounded concurrency. One call keeps at most `PER_CALL` lookups in the
   * shared queue at a time, so a peer that asks about a thousand blocks takes turns with the peer that asks about
   * one, instead of queueing its thousand lookups in front of it. Once `wanted()` turns false (the peer left),
   * the lookups not yet started are skipped.
   */
  async sizesOf (cids: readonly CID[], wanted: () => boolean = always): Promise<Array<number | undefined>> {
    const sizes = new Array<number | undefined>(cids.length)
    let next = 0
    const lane = async (): Promise<void> => {
      while (next < cids.length && wanted()) {
        const i = next++
        sizes[i] = await this.size(cids[i])
      }
    }
    await Promise.all(Array.from({ length: Math.min(PER_CALL, cids.length) }, lane))
    return sizes
  }
}

/** Lookups one `sizesOf` call has in the shared queue at once. */
const PER_CALL = 8

const always = (): boolean => true

function isNotFound (err: unknown): boolean {
  const e = err as { name?: string, code?: string }
  return e?.name === 'NotFoundError' || e?.code === 'ERR_NOT_FOUND'
}

