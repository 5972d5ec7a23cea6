import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { FileHandle } from 'node:fs/promises'

export type BlockBytes = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>

export interface AtomicWriteOptions {
  fsync: boolean
  /** A name in `dir` no other write uses (see `tempNamer`). */
  tempName: string
  signal?: AbortSignal
}

/**
 * Writes `dir/name` so that the name only ever holds complete contents: the bytes go to a fresh temp file in
 * the same directory (same filesystem, so the rename cannot turn into a copy), which is renamed over the final
 * name once fully written. rename(2) replaces the target atomically: a reader, or a process killed at any
 * point, sees the old file, the new file or no file, never part of one. A failed or aborted write removes its
 * temp file; one left by a killed process is removed by the store's `open()`.
 *
 * With `fsync`, the data is flushed before the rename and the directory after it, which extends the guarantee
 * from a crashed process to a crashed machine (without it, a power loss can leave the renamed name pointing at
 * data that never reached the disk).
 */
export async function writeFileAtomic (dir: string, name: string, bytes: BlockBytes, options: AtomicWriteOptions): Promise<void> {
  const temp = join(dir, options.tempName)
  let handle: FileHandle | undefined
  try {
    // 'wx': the temp name is new; failing if it exists beats silently sharing a file with another writer
    handle = await open(temp, 'wx')
    await handle.writeFile(bytes, { signal: options.signal })
    if (options.fsync) await handle.sync()
    await handle.close()
    handle = undefined
    // the last moment a cancel can still keep the block out of the store
    options.signal?.throwIfAborted()
    await rename(temp, join(dir, name))
  } catch (err) {
    await handle?.close().catch(() => {})
    await rm(temp, { force: true }).catch(() => {})
    throw err
  }
  if (options.fsync) await syncDirectory(dir)
}

/** Creates `dir` (and parents) if missing; with `fsync`, makes a newly created directory's entry durable too. */
export async function ensureDirectory (dir: string, fsync: boolean): Promise<void> {
  const created = await mkdir(dir, { recursive: true })
  if (fsync && created != null) await syncDirectory(dirname(created))
}

/** Flushes a directory's entries (a rename or a new file in it) to disk. */
export async function syncDirectory (dir: string): Promise<void> {
  // Windows cannot open a directory for syncing and persists renames itself: nothing to do there
  if (process.platform === 'win32') return
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
