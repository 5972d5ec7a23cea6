import { readFile as readFileCallback } from 'node:fs'
import { open, readdir, readFile, rm, stat, unlink } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { NotFoundError } from 'interface-store'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { abortReasonOr } from './abort.js'
import { boundedMap } from './bounded-map.js'
import { ensureDirectory, writeFileAtomic } from './fs-atomic-write.js'
import { errnoCode, FsBlockstoreError, StoreNotOpenError } from './fs-errors.js'
import { blockFileName, digestOfFileName, isShardName, isTempFileName, shardOf, shardOfMultihash, tempNamer } from './fs-layout.js'
import { FsBatchWriter } from './fs-batch-writer.js'
import { FsBlockLog, latin1 } from './fs-block-log.js'
import { FsShardDirectories } from './fs-shards.js'
import { FsWriteGate } from './fs-write-gate.js'
import type { AbortOptions } from './abort.js'
import type { BlockBytes } from './fs-atomic-write.js'
import type { FsOperation } from './fs-errors.js'
import type { Dirent } from 'node:fs'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'

/**
 * Files read, written or deleted at once by putMany/getMany/deleteMany. Enough to keep an SSD's queue busy,
 * and far below the usual limit of 1024 open files per process.
 */
export const DEFAULT_FS_CONCURRENCY = 32

/**
 * Block writes (`put`, alone or from putMany) under way at once; the rest queue, and `writable()` tells a
 * caller to wait. Each write is a few file operations in a row on libuv's pool of 4 threads, so 16 keeps every
 * thread busy without piling thousands of creations onto the filesystem. With writer threads, whose batches
 * hold up to 256 blocks, raise it (1024 keeps a few batches in hand while a thread writes one).
 */
export const DEFAULT_FS_WRITE_CONCURRENCY = 16

/**
 * Bytes of block writes under way at once (8 MiB): with big blocks this, not the count, is the bound, so a
 * 1 MiB-block fetch holds at most 8 blocks waiting for the disk. A single larger block still goes, alone.
 */
export const DEFAULT_FS_WRITE_BUFFER_SIZE = 8 * 1024 * 1024

/**
 * Threads writing whole blocks in batches (see fs-batch-writer.ts); 0, the default, writes each block with
 * libuv's file operations instead. The threads halve the CPU per block and doubled small-block throughput on a
 * memory filesystem, but on this project's loaded ext4 disk a whole `get` was not faster (per-round ratios
 * 0.36-1.73, median 0.57): file creation, not the event loop, limits it there. Opt in where measured to help.
 */
export const DEFAULT_FS_WRITER_THREADS = 0

/**
 * Blocks up to this many bytes (64 KiB) go into the block log (see fs-block-log.ts) instead of a file each: a
 * file per block costs a creation and a rename, which held 1 KiB blocks to a few hundred to 3,000 a second on
 * this project's disk, where the log writes a batch of them with one call. Larger blocks keep a file each: a
 * file's cost is small beside their bytes, and deleting one gives its space back at once.
 */
export const DEFAULT_FS_SMALL_BLOCK_SIZE = 64 * 1024

/** The largest `smallBlockSize` accepted (16 MiB): the log's records are read whole into memory. */
export const MAX_FS_SMALL_BLOCK_SIZE = 16 * 1024 * 1024

/**
 * Bytes after which the block log starts a new segment file (64 MiB): small enough that a future compaction can
 * rewrite one at a time, large enough that a big repository holds few files (each segment keeps a descriptor
 * open).
 */
export const DEFAULT_FS_SEGMENT_SIZE = 64 * 1024 * 1024

export interface FsBlockstoreInit {
  /**
   * Flush every block and its directory entry to disk before `put` resolves (default false). Without it a put
   * is still atomic against a crashed process, but a crashed machine may lose the latest blocks or, on some
   * filesystems, leave them empty. Off by default because a flush per block costs an order of magnitude in
   * write throughput on most disks, while a block is content-addressed and can be fetched again from peers.
   */
  fsync?: boolean
  /** How many blocks putMany/getMany/deleteMany handle at once (default `DEFAULT_FS_CONCURRENCY`, 32). */
  concurrency?: number
  /** Block writes under way at once, however many puts are called (default `DEFAULT_FS_WRITE_CONCURRENCY`, 16). */
  writeConcurrency?: number
  /** Bytes of block writes under way at once (default `DEFAULT_FS_WRITE_BUFFER_SIZE`, 8 MiB). */
  writeBufferSize?: number
  /** Threads writing whole blocks in batches, started with the first put (default `DEFAULT_FS_WRITER_THREADS`, 0: none). */
  writerThreads?: number
  /** Create the directory in `open()` when it is missing (default true). */
  createIfMissing?: boolean
  /**
   * Blocks of at most this many bytes, put as whole bytes, go into the block log rather than a file each
   * (default `DEFAULT_FS_SMALL_BLOCK_SIZE`, 64 KiB; at most `MAX_FS_SMALL_BLOCK_SIZE`; 0: every block a file).
   */
  smallBlockSize?: number
  /** Bytes after which the block log starts a new segment file (default `DEFAULT_FS_SEGMENT_SIZE`, 64 MiB). */
  segmentSize?: number
}

/**
 * Blocks on disk in two layouts, both always read:
 *
 * - small blocks (up to `smallBlockSize`) appended to the segment files of `<path>/log/` (see fs-block-log.ts),
 *   many per write, with an index in memory rebuilt from the segments by `open()`;
 * - larger blocks, blocks put as a stream of chunks, and every block of a directory written before the log
 *   existed, as files: `<path>/<shard>/<MULTIHASH>.data` (see fs-layout.ts), each written atomically (see
 *   fs-atomic-write.ts), so a block file is always complete.
 *
 * A directory from an earlier version therefore opens unchanged: its files stay where they are and are read in
 * place; new small blocks go to the log. (An earlier version opening a directory written by this one does not
 * see the logged blocks.) Call `open()` before use.
 *
 * Written here rather than wrapping blockstore-fs 4.0.1, whose source was checked: its temp file name is fixed
 * per block, so two concurrent puts of one block share a temp file and the second's truncation shows up as
 * zeroed bytes in the first's renamed, final file (reproduced); it never fsyncs, never removes temp files left
 * by a crash, turns every read error (EACCES, EIO) into NotFoundError and every `has` error into false, and
 * opens a path that is a file without complaint.
 *
 * One process per directory: `open()` removes every temp file, including those of another live writer.
 */
export class FsBlockstore implements Blockstore {
  readonly path: string
  readonly fsync: boolean
  readonly concurrency: number
  readonly createIfMissing: boolean
  readonly smallBlockSize: number
  readonly segmentSize: number
  readonly #log: FsBlockLog | undefined
  readonly #writes: FsWriteGate
  readonly #writer: FsBatchWriter | undefined
  readonly #shards: FsShardDirectories
  readonly #tempName = tempNamer()
  readonly #shardPaths = new Map<string, string>()
  #open = false

  constructor (path: string, init: FsBlockstoreInit = {}) {
    this.path = resolve(path)
    this.fsync = init.fsync ?? false
    this.concurrency = init.concurrency ?? DEFAULT_FS_CONCURRENCY
    this.createIfMissing = init.createIfMissing ?? true
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${this.concurrency}`)
    }
    this.#writes = new FsWriteGate(init.writeConcurrency ?? DEFAULT_FS_WRITE_CONCURRENCY, init.writeBufferSize ?? DEFAULT_FS_WRITE_BUFFER_SIZE)
    const threads = init.writerThreads ?? DEFAULT_FS_WRITER_THREADS
    if (!Number.isInteger(threads) || threads < 0) throw new RangeError(`writerThreads must be a whole number, got ${threads}`)
    this.#writer = threads > 0 ? new FsBatchWriter(this.fsync, threads) : undefined
    this.#shards = new FsShardDirectories(this.fsync)
    this.smallBlockSize = init.smallBlockSize ?? DEFAULT_FS_SMALL_BLOCK_SIZE
    this.segmentSize = init.segmentSize ?? DEFAULT_FS_SEGMENT_SIZE
    if (!Number.isInteger(this.smallBlockSize) || this.smallBlockSize < 0 || this.smallBlockSize > MAX_FS_SMALL_BLOCK_SIZE) {
      throw new RangeError(`smallBlockSize must be a whole number of bytes up to ${MAX_FS_SMALL_BLOCK_SIZE}, got ${this.smallBlockSize}`)
    }
    if (!Number.isInteger(this.segmentSize) || this.segmentSize < 1) throw new RangeError(`segmentSize must be a positive whole number of bytes, got ${this.segmentSize}`)
    this.#log = this.smallBlockSize > 0 ? new FsBlockLog(join(this.path, 'log'), this.fsync, this.segmentSize) : undefined
  }

  /** Block writes under way at once at most (the `writeConcurrency` option). */
  get writeConcurrency (): number {
    return this.#writes.limit
  }

  /** Bytes of block writes under way at once at most (the `writeBufferSize` option). */
  get writeBufferSize (): number {
    return this.#writes.byteLimit
  }

  /**
   * Puts waiting for a write slot: above zero, the disk is behind and a caller taking blocks in from the
   * network could stop reading until `writable()` resolves.
   */
  get queuedWrites (): number {
    const log = this.#log
    // appends to the log all wait for one write; they count as waiting once their bytes exceed the write buffer
    return this.#writes.queued + (log != null && log.queuedBytes > this.writeBufferSize ? log.queued : 0)
  }

  /** Resolves once no put is waiting for a write slot (and the log's waiting appends fit the write buffer). */
  async writable (): Promise<void> {
    await this.#writes.writable()
    await this.#log?.drained(this.writeBufferSize)
  }

  /** Creates or checks the directory, proves it writable, and removes temp files a crashed writer left. */
  async open (): Promise<void> {
    if (this.createIfMissing) {
      try {
        await ensureDirectory(this.path, this.fsync)
      } catch (err) {
        // a file in the way: the stat below names the exact problem
        if (!['EEXIST', 'ENOTDIR'].includes(errnoCode(err) ?? '')) throw this.#failure('open', this.path, err)
      }
    }
    const info = await stat(this.path).catch((err: unknown) => { throw this.#failure('open', this.path, err) })
    if (!info.isDirectory()) throw new FsBlockstoreError('open', this.path, new Error('not a directory'), 'ENOTDIR')
    await this.#probeWritable()
    await this.#removeTempFiles()
    await this.#log?.open().catch((err: unknown) => { throw this.#failure('open', this.#log?.dir ?? this.path, err) })
    this.#shards.opened()
    this.#open = true
  }

  /** Waits for the writes under way, then lets go of the writer thread. */
  async close (): Promise<void> {
    this.#open = false
    await this.#writer?.close()
    await this.#log?.close()
    // what is on disk may change before the next open
    this.#shards.clear()
  }

  /**
   * Not an async function: a small block's put is the log's one promise and a handler, where async layers added
   * two more promises for every block a fetch stores.
   */
  put (key: CID, val: BlockBytes, options: AbortOptions = {}): Promise<CID> {
    try {
      this.#assertOpen()
      options.signal?.throwIfAborted()
    } catch (err) {
      return Promise.reject(err)
    }
    const log = this.#log
    if (log != null && val instanceof Uint8Array && val.byteLength <= this.smallBlockSize) {
      // once queued, the append is no longer cancellable: it goes out with the others of its batch
      const multihash = key.multihash.bytes
      return log.put(multihash, latin1(multihash), val).then(() => key, (err: unknown) => { throw this.#failure('put', log.dir, err, options.signal) })
    }
    return this.#putFile(key, val, options)
  }

  async #putFile (key: CID, val: BlockBytes, options: AbortOptions): Promise<CID> {
    const { dir, name, file } = this.#locate(key)
    this.#shards.writing(dir, key.multihash.bytes)
    try {
      const writer = this.#writer
      if (writer != null && val instanceof Uint8Array) {
        // Whole bytes in hand: a batch on a writer thread. Once handed over, the write is no longer cancellable.
        await this.#writes.run(async () => writer.write(dir, name, this.#tempName(name), val), options.signal, val.byteLength)
      } else {
        await this.#writes.run(async () => this.#writeStream(dir, name, val, options.signal), options.signal, val instanceof Uint8Array ? val.byteLength : 0)
      }
    } catch (err) {
      throw this.#failure('put', file, err, options.signal)
    }
    return key
  }

  /**
   * A block written with libuv's file operations: whole bytes with one callback chain, other sources as their
   * chunks come (an abort stops either before the rename).
   */
  async #writeStream (dir: string, name: string, val: BlockBytes, signal: AbortSignal | undefined): Promise<void> {
    await this.#shards.ensure(dir)
    const attempt = async (): Promise<void> => {
      const write = { fsync: this.fsync, signal, tempName: this.#tempName(name) }
      await writeFileAtomic(dir, name, val, write)
    }
    try {
      await attempt()
    } catch (err) {
      // the shard was removed behind the store's back after it was last seen: create it again, once. Only when
      // creating the temp file failed, so the block's bytes (perhaps a one-shot source) are still unread.
      const { syscall } = err as { syscall?: unknown }
      if (errnoCode(err) !== 'ENOENT' || syscall !== 'open') throw err
      this.#shards.forget(dir)
      await this.#shards.ensure(dir)
      await attempt()
    }
  }

  async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options: AbortOptions = {}): AsyncGenerator<CID> {
    yield * boundedMap(source, this.concurrency, async ({ cid, bytes }) => this.put(cid, bytes, options))
  }

  async * get (key: CID, options: AbortOptions = {}): AsyncGenerator<Uint8Array> {
    yield await this.#read(key, options)
  }

  /** Reads happen inside the concurrency window (not lazily when the bytes are consumed), so it bounds real I/O. */
  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options: AbortOptions = {}): AsyncGenerator<Pair> {
    yield * boundedMap(source, this.concurrency, async cid => ({ cid, bytes: once(await this.#read(cid, options)) }))
  }

  /**
   * Answers at once, without a promise, when no file needs to be looked at: a block in the log, or one its shard
   * cannot hold (every block of a fresh fetch, whose client looks each one up before wanting it).
   */
  has (key: CID, options: AbortOptions = {}): boolean | Promise<boolean> {
    let known
    try {
      known = this.#known(key, options)
    } catch (err) {
      return Promise.reject(err)
    }
    if (known !== null) return known !== undefined
    return this.#statFile(key, 'has', options).then(size => size !== undefined)
  }

  /** The block's size from its file's length, without reading it; undefined when the block is not here. */
  async size (key: CID, options: AbortOptions = {}): Promise<number | undefined> {
    const known = this.#known(key, options)
    return known !== null ? known : this.#statFile(key, 'size', options)
  }

  /** The block's size, or undefined when it is surely absent, known without the disk; null when only its file can tell. */
  #known (key: CID, options: AbortOptions): number | undefined | null {
    this.#assertOpen()
    options.signal?.throwIfAborted()
    const multihash = key.multihash.bytes
    const logged = this.#log?.blockSize(latin1(multihash))
    if (logged !== undefined) return logged
    return this.#shards.surelyAbsent(this.#shardDirectory(multihash), multihash) ? undefined : null
  }

  /** The shard directory's path, one string per shard for the store's life. */
  #shardDirectory (multihash: Uint8Array): string {
    const shard = shardOfMultihash(multihash)
    let dir = this.#shardPaths.get(shard)
    if (dir === undefined) {
      dir = join(this.path, shard)
      this.#shardPaths.set(shard, dir)
    }
    return dir
  }

  async #statFile (key: CID, operation: FsOperation, options: AbortOptions): Promise<number | undefined> {
    const { file } = this.#locate(key)
    try {
      const info = await stat(file)
      return info.isFile() ? info.size : undefined
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return undefined
      throw this.#failure(operation, file, err, options.signal)
    }
  }

  /**
   * Not flushed even with `fsync`: a deleted block that comes back after a crash is still a valid block. A
   * logged block is forgotten at once and a tombstone appended; its space stays used until compaction (not yet
   * written).
   */
  async delete (key: CID, options: AbortOptions = {}): Promise<void> {
    this.#assertOpen()
    options.signal?.throwIfAborted()
    const log = this.#log
    if (log != null) {
      const multihash = key.multihash.bytes
      await log.delete(multihash, latin1(multihash)).catch((err: unknown) => { throw this.#failure('delete', log.dir, err, options.signal) })
    }
    const { file } = this.#locate(key)
    try {
      await unlink(file)
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw this.#failure('delete', file, err, options.signal)
    }
  }

  async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options: AbortOptions = {}): AsyncGenerator<CID> {
    yield * boundedMap(source, this.concurrency, async cid => {
      await this.delete(cid, options)
      return cid
    })
  }

  /**
   * Every block, as CIDv1 raw (the store keeps multihashes only, like blockstore-core). Lists exactly what `get`
   * can read: temp files and stray names are skipped, and so is a block deleted while the listing runs.
   */
  async * getAll (options: AbortOptions = {}): AsyncGenerator<Pair> {
    this.#assertOpen()
    options.signal?.throwIfAborted()
    const log = this.#log
    for (const id of log?.ids() ?? []) {
      options.signal?.throwIfAborted()
      let bytes: Uint8Array | undefined
      try {
        bytes = await log?.get(id)
      } catch (err) {
        // a damaged record is no block: `get` reports it, a listing leaves it out (and the log forgets it)
        if (err instanceof FsBlockstoreError && err.code === 'EBADMSG') continue
        throw this.#failure('get', log?.dir ?? this.path, err, options.signal)
      }
      if (bytes == null) continue
      const multihash = Buffer.from(id, 'latin1')
      yield { cid: CID.createV1(raw.code, Digest.decode(new Uint8Array(multihash.buffer, multihash.byteOffset, multihash.byteLength))), bytes: once(bytes) }
    }
    for (const shard of await this.#list(this.path)) {
      if (!shard.isDirectory() || !isShardName(shard.name)) continue
      const dir = join(this.path, shard.name)
      for (const entry of await this.#list(dir)) {
        options.signal?.throwIfAborted()
        const digest = digestOfFileName(entry.name)
        if (!entry.isFile() || digest == null || shardOf(entry.name) !== shard.name) continue
        // listed above already: a block put as a file, then again as whole bytes into the log
        if (log?.has(latin1(digest.bytes)) === true) continue
        const file = join(dir, entry.name)
        let bytes: Uint8Array
        try {
          bytes = plain(await readFile(file, { signal: options.signal }))
        } catch (err) {
          if (errnoCode(err) === 'ENOENT') continue
          throw this.#failure('get', file, err, options.signal)
        }
        yield { cid: CID.createV1(raw.code, digest), bytes: once(bytes) }
      }
    }
  }

  async #read (key: CID, options: AbortOptions): Promise<Uint8Array> {
    this.#assertOpen()
    options.signal?.throwIfAborted()
    const log = this.#log
    const logged = await log?.get(latin1(key.multihash.bytes)).catch((err: unknown) => { throw this.#failure('get', log.dir, err, options.signal) })
    if (logged !== undefined) return logged
    const { file } = this.#locate(key)
    try {
      return plain(await readWhole(file, options.signal))
    } catch (err) {
      if (options.signal?.aborted !== true && errnoCode(err) === 'ENOENT') {
        throw new NotFoundError(`block ${key.toString()} is not in ${this.path}`)
      }
      throw this.#failure('get', file, err, options.signal)
    }
  }

  #locate (key: CID): { dir: string, name: string, file: string } {
    const name = blockFileName(key.multihash.bytes)
    const dir = this.#shardDirectory(key.multihash.bytes)
    return { dir, name, file: join(dir, name) }
  }

  /** A directory's entries; one that vanished while listing reads as empty. */
  async #list (dir: string): Promise<Dirent[]> {
    try {
      return await readdir(dir, { withFileTypes: true })
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return []
      throw this.#failure('list', dir, err)
    }
  }

  /** Fails `open()` now, naming the directory, rather than the first `put` later (EACCES, EROFS, ENOSPC). */
  async #probeWritable (): Promise<void> {
    const probe = join(this.path, this.#tempName('open-probe'))
    try {
      await (await open(probe, 'wx')).close()
      await rm(probe, { force: true })
    } catch (err) {
      throw this.#failure('open', this.path, err)
    }
  }

  /** Also records the shard directories that exist, so puts into them need not create them. */
  async #removeTempFiles (): Promise<void> {
    const dirs = [this.path]
    for (const entry of await this.#list(this.path)) {
      if (!entry.isDirectory() || !isShardName(entry.name)) continue
      dirs.push(join(this.path, entry.name))
      this.#shards.known(join(this.path, entry.name))
    }
    for (const dir of dirs) {
      for (const entry of await this.#list(dir)) {
        if (!entry.isFile() || !isTempFileName(entry.name)) continue
        const temp = join(dir, entry.name)
        await rm(temp, { force: true }).catch((err: unknown) => { throw this.#failure('open', temp, err) })
      }
    }
  }

  #assertOpen (): void {
    if (!this.#open) throw new StoreNotOpenError(this.path)
  }

  /**
   * The error to throw: the caller's abort reason if it fired; a filesystem refusal as FsBlockstoreError naming
   * the path the system call touched; anything else (say, an error from the caller's own chunk source) as is.
   */
  #failure (operation: FsOperation, path: string, err: unknown, signal?: AbortSignal): unknown {
    const reason = abortReasonOr(err, signal)
    if (reason !== err || errnoCode(err) == null) return reason
    const syscallPath = (err as { path?: unknown }).path
    return new FsBlockstoreError(operation, typeof syscallPath === 'string' ? syscallPath : path, err)
  }
}

/** An FsBlockstore at `path`; call `await store.open()` before use. */
export function fsBlockstore (path: string, init?: FsBlockstoreInit): FsBlockstore {
  return new FsBlockstore(path, init)
}

/**
 * A file's bytes through the callback call: the promise one costs a file handle object and a promise per step,
 * most of a small block's read (the command reads every block back to write the file out).
 */
async function readWhole (file: string, signal: AbortSignal | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    readFileCallback(file, { signal }, (err, bytes) => {
      if (err != null) reject(err)
      else resolve(bytes)
    })
  })
}

/** A Node Buffer as a plain Uint8Array view (no copy), so callers comparing bytes see the usual type. */
function plain (buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
}

function * once (bytes: Uint8Array): Generator<Uint8Array> {
  yield bytes
}
