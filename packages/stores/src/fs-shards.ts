import { ensureDirectory } from './fs-atomic-write.js'

/**
 * What the store knows of its shard directories without asking the filesystem.
 *
 * - Which exist, so a streamed put creates its directory once rather than on every write (a recursive mkdir of
 *   an existing directory costs a failed mkdir and a stat). Whole-block puts need not ask at all: the writer
 *   thread creates a directory when opening a file in it fails for want of one.
 * - Which blocks cannot be there, so `has` answers a fresh fetch's lookups without a stat each. A shard that did
 *   not exist when the store was opened holds only what this store has written since (one process per
 *   directory), and those blocks are remembered by 30 bits of their digest: a block not among them is surely
 *   absent. Anything else (a shard that was on disk at open, a remembered block, a collision) is a stat, so a
 *   block deleted or a shard removed behind the store's back still reads correctly.
 */
export class FsShardDirectories {
  readonly #known = new Set<string>()
  /** Shards on disk when the store was opened: what they hold is unknown. */
  readonly #listedAtOpen = new Set<string>()
  /** 30-bit keys of blocks written into shards created since the store was opened. */
  readonly #written = new Set<number>()
  #opened = false
  /** Creations under way, so concurrent first writes into one shard share a single mkdir. */
  readonly #creating = new Map<string, Promise<void>>()
  readonly #fsync: boolean

  constructor (fsync: boolean) {
    this.#fsync = fsync
  }

  /** Records a directory seen to exist when the store was opened. */
  known (dir: string): void {
    this.#known.add(dir)
    this.#listedAtOpen.add(dir)
  }

  /** Every shard on disk has been reported through `known`: the others start empty. */
  opened (): void {
    this.#opened = true
  }

  /** A block is being written: it may be in its shard from now on. */
  writing (dir: string, multihash: Uint8Array): void {
    if (!this.#listedAtOpen.has(dir)) this.#written.add(digestKey(multihash))
  }

  /** True when the block cannot be in the store, known without touching the disk. */
  surelyAbsent (dir: string, multihash: Uint8Array): boolean {
    return this.#opened && !this.#listedAtOpen.has(dir) && !this.#written.has(digestKey(multihash))
  }

  /** Makes sure `dir` exists: free once it is known. */
  async ensure (dir: string): Promise<void> {
    if (this.#known.has(dir)) return
    let creating = this.#creating.get(dir)
    if (creating == null) {
      creating = ensureDirectory(dir, this.#fsync).then(() => { this.#known.add(dir) }).finally(() => { this.#creating.delete(dir) })
      this.#creating.set(dir, creating)
    }
    await creating
  }

  /** `dir` turned out to be missing: the next `ensure` creates it again. */
  forget (dir: string): void {
    this.#known.delete(dir)
  }

  clear (): void {
    this.#known.clear()
    this.#listedAtOpen.clear()
    this.#written.clear()
    this.#opened = false
  }
}

/** The last 30 bits of a multihash (a small integer to V8, so the set stays compact); digests are uniform. */
function digestKey (multihash: Uint8Array): number {
  const n = multihash.byteLength
  if (n < 4) return n
  return ((multihash[n - 4] & 0x3f) << 24 | multihash[n - 3] << 16 | multihash[n - 2] << 8 | multihash[n - 1])
}
