/**
 * The body of the filesystem store's writer thread. It runs in a worker started from its source text (see
 * fs-batch-writer.ts), so it must stand alone: no imports, no names from this module's scope, Node's modules
 * through `process.getBuiltinModule` (a bundler leaves that call alone, where it would rewrite a `require`).
 *
 * Each message is a batch of blocks packed into one transferred buffer. Every block is written the atomic way
 * (see fs-atomic-write.ts): a fresh temp file beside the final name, written in full, closed, then renamed over
 * the final name, so a process killed at any point leaves whole blocks or none. The system calls run one after
 * another in this thread, synchronously: a block costs four system calls and no trip through the event loop or
 * libuv's thread pool, which is what limited the store to a few thousand small blocks a second.
 *
 * With `fsync`, each file is flushed before its rename, and each directory touched is flushed once per batch
 * after all of its renames (the batch, not the block, is the unit of a directory flush).
 */
export function fsBatchWorkerMain (): void {
  type Item = [dir: string, name: string, temp: string, offset: number, length: number]
  interface Batch { id: number, fsync: boolean, items: Item[], buffer: ArrayBuffer }
  interface Failure { code?: string, syscall?: string, path?: string, message: string }

  const fs = process.getBuiltinModule('node:fs')
  const { parentPort } = process.getBuiltinModule('node:worker_threads')
  const { dirname } = process.getBuiltinModule('node:path')
  if (parentPort == null) return

  const failure = (err: unknown): Failure => {
    const { code, syscall, path, message } = err as Failure
    return { code, syscall, path, message: String(message) }
  }

  const syncDirectory = (dir: string): void => {
    if (process.platform === 'win32') return
    const fd = fs.openSync(dir, 'r')
    try {
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
  }

  /** Opens the temp file, creating its shard directory when it is missing (new, or removed behind our back). */
  const openTemp = (dir: string, temp: string, fsync: boolean, created: Set<string>): number => {
    try {
      return fs.openSync(temp, 'wx')
    } catch (err) {
      // no directory there, or a file in its way (then mkdir fails naming the directory, EEXIST)
      const code = (err as Failure).code
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err
      const made = fs.mkdirSync(dir, { recursive: true })
      if (fsync && made != null) created.add(dirname(made))
      return fs.openSync(temp, 'wx')
    }
  }

  const writeOne = (bytes: Uint8Array, [dir, name, tempName]: Item, fsync: boolean, created: Set<string>): void => {
    const temp = `${dir}/${tempName}`
    let fd: number | undefined
    try {
      fd = openTemp(dir, temp, fsync, created)
      for (let written = 0; written < bytes.byteLength;) written += fs.writeSync(fd, bytes, written)
      if (fsync) fs.fsyncSync(fd)
      fs.closeSync(fd)
      fd = undefined
      fs.renameSync(temp, `${dir}/${name}`)
    } catch (err) {
      if (fd !== undefined) try { fs.closeSync(fd) } catch {}
      try { fs.rmSync(temp, { force: true }) } catch {}
      throw err
    }
  }

  parentPort.on('message', ({ id, fsync, items, buffer }: Batch) => {
    const results: Array<Failure | null> = []
    const synced = new Map<string, number[]>()
    const created = new Set<string>()
    for (let i = 0; i < items.length; i++) {
      const item = items[i]
      try {
        writeOne(new Uint8Array(buffer, item[3], item[4]), item, fsync, created)
        results.push(null)
        if (fsync) {
          const indices = synced.get(item[0]) ?? []
          indices.push(i)
          synced.set(item[0], indices)
        }
      } catch (err) {
        results.push(failure(err))
      }
    }
    // a directory whose flush fails leaves its renames undurable: those writes fail
    for (const dir of created) {
      try { syncDirectory(dir) } catch {}
    }
    for (const [dir, indices] of synced) {
      try {
        syncDirectory(dir)
      } catch (err) {
        for (const i of indices) results[i] = failure(err)
      }
    }
    parentPort.postMessage({ id, results })
  })
}
