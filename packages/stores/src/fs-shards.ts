import { ensureDirectory } from './fs-atomic-write.js'

/**
 * The shard directories known to exist, so a put creates its directory once rather than asking the filesystem
 * on every write (a recursive mkdir of an existing directory costs a failed mkdir and a stat). Filled from the
 * listing `open()` makes anyway; a directory removed behind the store's back is forgotten by the writer that
 * finds it gone, and created again.
 */
export class FsShardDirectories {
  readonly #known = new Set<string>()
  /** Creations under way, so concurrent first writes into one shard share a single mkdir. */
  readonly #creating = new Map<string, Promise<void>>()
  readonly #fsync: boolean

  constructor (fsync: boolean) {
    this.#fsync = fsync
  }

  /** Records a directory seen to exist. */
  known (dir: string): void {
    this.#known.add(dir)
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
  }
}
