import { MemoryBlockstore } from '@swapwright/stores'
import type { AbortOptions } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

type Bytes = Parameters<MemoryBlockstore['put']>[1]

/**
 * A seed's blockstore in a lab swarm: a memory store (lookups that make no string, sizes told without a read),
 * whose blocks seeds holding the same ones share until one of them writes. In a 300-node `allToAll` swarm the
 * 299 seeds held 200 blocks each in stores of their own: 60,000 puts, and as many entries kept alive through
 * the run for the collector to walk, for one set of blocks. A write (seeds take none in a lab run) first copies
 * the shared blocks into the seed's own store, so seeds never see each other's changes. Every call answers as
 * the memory store does, at once where it does, so a run goes exactly as with stores of their own.
 */
export class SeedBlockstore extends MemoryBlockstore {
  /** Where reads go until this seed writes: blocks other seeds hold too. */
  private shared: MemoryBlockstore | undefined

  /** With `shared`, the seed holds that store's blocks; without, it starts empty. */
  constructor (shared?: MemoryBlockstore) {
    super()
    this.shared = shared
  }

  override put (key: CID, value: Bytes, options?: AbortOptions): CID | Promise<CID> {
    this.unshare()
    return super.put(key, value, options)
  }

  override has (key: CID, options?: AbortOptions): boolean | Promise<boolean> {
    return this.shared != null ? this.shared.has(key, options) : super.has(key, options)
  }

  override get (key: CID, options?: AbortOptions): ReturnType<MemoryBlockstore['get']> {
    return this.shared != null ? this.shared.get(key, options) : super.get(key, options)
  }

  /** The block's size without reading it (core's `BlockSizes`): the memory store's own promise, not a wrapper. */
  override size (key: CID, options?: AbortOptions): Promise<number | undefined> {
    return this.shared != null ? this.shared.size(key, options) : super.size(key, options)
  }

  override delete (key: CID, options?: AbortOptions): Promise<void> {
    this.unshare()
    return super.delete(key, options)
  }

  override getAll (options?: AbortOptions): ReturnType<MemoryBlockstore['getAll']> {
    return this.shared != null ? this.shared.getAll(options) : super.getAll(options)
  }

  /** Before a first write: the shared blocks copied into this seed's own store, which serves from then on. */
  private unshare (): void {
    const shared = this.shared
    if (shared == null) return
    this.shared = undefined
    // the memory store takes bytes in hand (or a synchronous iterable of them) at once: no promise to wait for
    for (const { cid, bytes } of shared.getAll() as Iterable<{ cid: CID, bytes: Iterable<Uint8Array> }>) void super.put(cid, bytes)
  }
}

/**
 * The stores of seeds that hold blocks by index into one block list: seeds holding the same indices get one
 * shared memory store behind their own `SeedBlockstore`s, filled once.
 */
export class SeedStores {
  private readonly byHoldings = new Map<string, MemoryBlockstore>()

  constructor (private readonly blocks: ReadonlyArray<{ cid: CID, bytes: Uint8Array }>) {}

  holding (indices: readonly number[]): SeedBlockstore {
    const key = indices.join(',')
    let shared = this.byHoldings.get(key)
    if (shared == null) {
      shared = new MemoryBlockstore()
      // bytes in hand go in at once: no promise to wait for
      for (const index of indices) void shared.put(this.blocks[index].cid, this.blocks[index].bytes)
      this.byHoldings.set(key, shared)
    }
    return new SeedBlockstore(shared)
  }
}
