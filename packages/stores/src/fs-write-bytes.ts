import { close, fsync, open, rename, unlink, write } from 'node:fs'
import { join } from 'node:path'
import { syncDirectory } from './fs-atomic-write.js'
import type { AtomicWriteOptions } from './fs-atomic-write.js'

/**
 * `writeFileAtomic` for a block whose bytes are all in hand, the way a fetch stores what it receives: the same
 * steps (a fresh temp file written in full, closed, then renamed over the final name, so a killed process leaves
 * the whole block or none), chained through Node's callback file calls. The promise API costs a file handle
 * object (tracked for garbage collection), and several promises per step: on 1 KiB blocks that was most of the
 * store's CPU, more than the system calls. Here a block costs its four calls and one promise.
 */
export async function writeBytesAtomic (dir: string, name: string, bytes: Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const temp = join(dir, options.tempName)
  await new Promise<void>((resolve, reject) => {
    const removeTemp = (err: unknown): void => { unlink(temp, () => { reject(err) }) }
    const renamed = (err: Error | null): void => {
      if (err != null) removeTemp(err)
      else resolve()
    }
    const closed = (err: Error | null): void => {
      if (err != null) return removeTemp(err)
      // the last moment a cancel can still keep the block out of the store
      if (options.signal?.aborted === true) return removeTemp(options.signal.reason)
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
      const wrote = (offset: number) => (err: Error | null, written: number): void => {
        if (err != null) return fail(err)
        const next = offset + written
        // a short write continues where it stopped
        if (next < bytes.byteLength) return write(fd, bytes, next, bytes.byteLength - next, null, wrote(next))
        if (options.fsync) fsync(fd, flushed)
        else close(fd, closed)
      }
      if (options.signal?.aborted === true) return fail(options.signal.reason)
      write(fd, bytes, 0, bytes.byteLength, null, wrote(0))
    })
  })
  if (options.fsync) await syncDirectory(dir)
}
