import { close, fsync, open, rename, unlink, write } from 'node:fs'
import { mkdir, open as openHandle } from 'node:fs/promises'
import { dirname, join } from 'node:path'

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
 *
 * One list of steps, chained through Node's callback file calls, with two ways to fill the temp file: bytes in
 * hand (what a fetch stores) in one write, or a source's chunks as they come. The promise API would cost a file
 * handle object (tracked for garbage collection) and several promises per step: on 1 KiB blocks that was most
 * of the store's CPU, more than the system calls. Here a block costs its four calls and one promise.
 */
export async function writeFileAtomic (dir: string, name: string, bytes: BlockBytes, options: AtomicWriteOptions): Promise<void> {
  const temp = join(dir, options.tempName)
  const { signal } = options
  await new Promise<void>((resolve, reject) => {
    const removeTemp = (err: unknown): void => { unlink(temp, () => { reject(err) }) }
    const renamed = (err: Error | null): void => {
      if (err != null) removeTemp(err)
      else resolve()
    }
    const closed = (err: Error | null): void => {
      if (err != null) return removeTemp(err)
      // the last moment a cancel can still keep the block out of the store
      if (signal?.aborted === true) return removeTemp(signal.reason)
      rename(temp, join(dir, name), renamed)
    }
    // 'wx': the temp name is new; failing if it exists beats silently sharing a file with another writer
    open(temp, 'wx', (err, fd) => {
      if (err != null) return reject(err)
      // a failed step closes the temp file and removes it; the first error is the one reported
      const fail = (err: unknown): void => { close(fd, () => { removeTemp(err) }) }
      const flushed = (err: Error | null): void => {
        if (err != null) return fail(err)
        close(fd, closed)
      }
      const written = (err?: unknown): void => {
        if (err != null) return fail(err)
        if (options.fsync) fsync(fd, flushed)
        else close(fd, closed)
      }
      if (signal?.aborted === true) return fail(signal.reason)
      if (bytes instanceof Uint8Array) writeAll(fd, bytes, 0, written)
      else writeChunks(fd, bytes, signal).then(() => { written() }, written)
    })
  })
  if (options.fsync) await syncDirectory(dir)
}

/** Writes `bytes` from `offset` on at the file's position; a short write continues where it stopped. */
function writeAll (fd: number, bytes: Uint8Array, offset: number, done: (err?: unknown) => void): void {
  write(fd, bytes, offset, bytes.byteLength - offset, null, (err, count) => {
    if (err != null) return done(err)
    if (offset + count < bytes.byteLength) writeAll(fd, bytes, offset + count, done)
    else done()
  })
}

/** A source's chunks, each written in full before the next is asked for; an abort stops between chunks. */
async function writeChunks (fd: number, source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, signal: AbortSignal | undefined): Promise<void> {
  for await (const chunk of source) {
    signal?.throwIfAborted()
    await new Promise<void>((resolve, reject) => {
      writeAll(fd, chunk, 0, err => {
        if (err != null) reject(err)
        else resolve()
      })
    })
  }
  signal?.throwIfAborted()
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
  const handle = await openHandle(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
