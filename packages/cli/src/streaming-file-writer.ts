import { randomBytes } from 'node:crypto'
import { lstat, open, rename, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { STREAMED_WRITE_RUN, STREAMED_WRITES_IN_FLIGHT } from './constants.js'
import { fileError } from './errors.js'
import { refuseSymlink } from './export-dag.js'
import { unixfsFileBytes } from './write-unixfs-file.js'
import { blockKey } from '@swapwright/core'
import type { Blockstore } from 'interface-blockstore'

/** Where the file's bytes under one block of the DAG go: its offsets in the file (one per place it is linked) and its size. */
interface Placement {
  offsets: number[]
  size: number
}

/** Blocks that follow one another in the file: written together, in one request. */
interface Run {
  offset: number
  bytes: number
  parts: Uint8Array[]
}

/** A block's bytes placed and not yet handed to the disk. */
interface Pending {
  offset: number
  bytes: Uint8Array
}

/**
 * Writes a UnixFS file while its blocks arrive, in any order: each block's place in the file is known once its
 * parent has arrived (the parent's UnixFS data lists the size of every child), so each leaf is written at its
 * offset straight from the received bytes: no reading back from the repository, no copy, no reordering buffer.
 *
 * The bytes go to a temporary file beside the output, renamed over it only once every byte is there: a get
 * killed halfway never leaves a wrong file at the output path (at worst the hidden temporary one).
 *
 * Anything this cannot place exactly (a child whose size differs from what its parent declares, a node that is
 * not a UnixFS file) makes it give up quietly: `finish` then says so, and the caller writes the file from the
 * repository as before, with that path's own checks and errors.
 */
export class StreamingFileWriter {
  readonly #target: string
  readonly #temporary: string
  readonly #file: FileHandle
  readonly #waiting = new Map<string, Placement>()
  readonly #arrived = new Set<string>()
  /** Subtrees linked again after their block went by: written from the repository at the end. */
  readonly #late: Array<{ cid: CID, offset: number }> = []
  readonly #inFlight = new Set<Promise<void>>()
  #inFlightBytes = 0
  #pending: Pending[] = []
  #pendingBytes = 0
  #writes = 0
  #declared: number
  #written = 0
  #writeError: unknown
  /** Why the bytes cannot be placed while they arrive; the file is then written afterwards. */
  #unplaceable?: string

  private constructor (target: string, temporary: string, file: FileHandle, root: CID, size: number) {
    this.#target = target
    this.#temporary = temporary
    this.#file = file
    this.#declared = size
    this.#waiting.set(blockKey(root), { offsets: [0], size })
  }

  /**
   * Opens the temporary file beside `target` for the file under `root`, whose file size is `size`. Undefined
   * when something other than a regular file is at `target` (a device such as /dev/null, a pipe, a directory, a
   * symbolic link): renaming over it would replace it, so it is written (or refused) the way it was before.
   */
  static async open (target: string, root: CID, size: number): Promise<StreamingFileWriter | undefined> {
    if (!await replaceable(target)) return undefined
    const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.part`)
    const file = await open(temporary, 'wx')
    return new StreamingFileWriter(target, temporary, file, root, size)
  }

  /** Bytes of the file written so far. */
  get written (): number {
    return this.#written
  }

  /** Write requests handed to the disk so far (consecutive blocks go in one). */
  get writes (): number {
    return this.#writes
  }

  /**
   * Takes a verified block of the file's DAG. Resolves at once unless the writes under way hold more than
   * `STREAMED_WRITES_IN_FLIGHT` bytes: then when they are fewer again, so a slow disk slows the fetch instead
   * of filling memory. Throws once a write has failed, as the CliError to report. `node` is a dag-pb block's
   * decoded node when the caller has it (the fetch decodes each for its links), so it is not decoded twice.
   */
  async add (cid: CID, bytes: Uint8Array, node?: dagPb.PBNode): Promise<void> {
    // a failed write (a full disk) ends the fetch now: the rest of the file could not be written either
    if (this.#writeError != null) throw fileError(this.#writeError, this.#target)
    if (this.#unplaceable != null) return
    const key = blockKey(cid)
    const placement = this.#waiting.get(key)
    if (placement == null) return
    this.#waiting.delete(key)
    this.#arrived.add(key)
    try {
      this.#place(cid, bytes, placement, node)
    } catch (err) {
      this.#unplaceable = (err as Error).message
      return
    }
    while (this.#inFlightBytes > STREAMED_WRITES_IN_FLIGHT && this.#inFlight.size > 0) await Promise.race(this.#inFlight)
  }

  #place (cid: CID, bytes: Uint8Array, placement: Placement, decoded: dagPb.PBNode | undefined): void {
    if (cid.code === raw.code) {
      if (bytes.byteLength !== placement.size) throw new Error(`${cid} holds ${bytes.byteLength} bytes where ${placement.size} are declared`)
      for (const offset of placement.offsets) this.#write(bytes, offset)
      return
    }
    if (cid.code !== dagPb.code) throw new Error(`${cid} is neither dag-pb nor raw`)
    const node = decoded ?? dagPb.decode(bytes)
    if (node.Data == null) throw new Error(`${cid} has no UnixFS data`)
    const unixfs = UnixFS.unmarshal(node.Data)
    if (unixfs.type !== 'file' && unixfs.type !== 'raw') throw new Error(`${cid} is a UnixFS ${unixfs.type}`)
    if (Number(unixfs.fileSize()) !== placement.size) throw new Error(`${cid} declares ${unixfs.fileSize()} bytes where its parent declares ${placement.size}`)
    if (unixfs.blockSizes.length !== node.Links.length) throw new Error(`${cid} gives ${unixfs.blockSizes.length} sizes for ${node.Links.length} links`)
    const own = unixfs.data ?? new Uint8Array()
    for (const offset of placement.offsets) {
      if (own.byteLength > 0) this.#write(own, offset)
      let at = offset + own.byteLength
      node.Links.forEach((link, i) => {
        const child = CID.asCID(link.Hash) ?? link.Hash
        const size = Number(unixfs.blockSizes[i])
        this.#expect(child, at, size)
        at += size
      })
    }
  }

  #expect (child: CID, offset: number, size: number): void {
    const key = blockKey(child)
    if (this.#arrived.has(key)) {
      this.#late.push({ cid: child, offset })
      return
    }
    const placement = this.#waiting.get(key)
    if (placement == null) this.#waiting.set(key, { offsets: [offset], size })
    else if (placement.size !== size) throw new Error(`${child} is linked with sizes ${placement.size} and ${size}`)
    else placement.offsets.push(offset)
  }

  /**
   * Queues `bytes` at `offset`; once `STREAMED_WRITE_RUN` bytes are queued they go to the disk, in file order,
   * blocks that follow one another in one request. The peer sends a message's blocks in no particular order
   * (a Go peer: 16 neighbouring 1 KiB leaves shuffled), so only blocks gathered a while form runs.
   */
  #write (bytes: Uint8Array, offset: number): void {
    this.#pending.push({ offset, bytes })
    this.#pendingBytes += bytes.byteLength
    if (this.#pendingBytes >= STREAMED_WRITE_RUN) this.#flush()
  }

  /** Hands what is queued to the disk, a request per run of neighbouring blocks. */
  #flush (): void {
    const pending = this.#pending.sort((a, b) => a.offset - b.offset)
    this.#pending = []
    this.#pendingBytes = 0
    let run: Run | undefined
    for (const { offset, bytes } of pending) {
      if (run != null && run.offset + run.bytes === offset) {
        run.parts.push(bytes)
        run.bytes += bytes.byteLength
        continue
      }
      if (run != null) this.#writeRun(run)
      run = { offset, bytes: bytes.byteLength, parts: [bytes] }
    }
    if (run != null) this.#writeRun(run)
  }

  #writeRun (run: Run): void {
    this.#writes++
    this.#inFlightBytes += run.bytes
    const writing = writeRun(this.#file, run).then(() => {
      this.#written += run.bytes
    }, err => {
      this.#writeError ??= err
    }).finally(() => {
      this.#inFlightBytes -= run.bytes
      this.#inFlight.delete(writing)
    })
    this.#inFlight.add(writing)
  }

  /**
   * After the last block: writes the subtrees linked more than once from the repository, checks that every byte
   * the root declares is there, and renames the file over the target. Returns the bytes written, or undefined
   * when the blocks could not be placed while they arrived (nothing is left behind then). A failed write throws.
   */
  async finish (blockstore: Blockstore, signal: AbortSignal): Promise<number | undefined> {
    this.#flush()
    await Promise.all(this.#inFlight)
    if (this.#writeError != null) throw this.#writeError
    if (this.#unplaceable == null && this.#waiting.size > 0) this.#unplaceable = `${this.#waiting.size} blocks of the file never arrived`
    if (this.#unplaceable != null) {
      await this.abandon()
      return undefined
    }
    for (const { cid, offset } of this.#late) {
      let at = offset
      for await (const bytes of unixfsFileBytes(cid, blockstore, signal)) {
        await this.#file.write(bytes, 0, bytes.byteLength, at)
        at += bytes.byteLength
        this.#written += bytes.byteLength
      }
    }
    if (this.#written !== this.#declared) throw new Error(`the file declares ${this.#declared} bytes but its blocks hold ${this.#written}`)
    await this.#file.close()
    // Checked again at the last moment: whatever was put at the target meanwhile is replaced only if a plain file
    if (!await replaceable(this.#target)) {
      await refuseSymlink(this.#target)
      throw new Error(`${this.#target} is no longer a regular file; the file is not put in its place`)
    }
    await rename(this.#temporary, this.#target)
    return this.#written
  }

  /** Why the blocks could not be placed as they arrived, if they could not. */
  get unplaceable (): string | undefined {
    return this.#unplaceable
  }

  /** Closes and removes the temporary file (a failed or interrupted get). Safe to call again. */
  async abandon (): Promise<void> {
    this.#pending = []
    this.#pendingBytes = 0
    await Promise.allSettled(this.#inFlight)
    await this.#file.close().catch(() => {})
    await unlink(this.#temporary).catch(() => {})
  }
}

/** Writes a run's blocks at its offset in one request, going on where the disk took less than all of it. */
async function writeRun (file: FileHandle, run: Run): Promise<void> {
  let parts = run.parts
  let at = run.offset
  let left = run.bytes
  while (left > 0) {
    const { bytesWritten } = parts.length === 1
      ? await file.write(parts[0], 0, parts[0].byteLength, at)
      : await file.writev(parts, at)
    if (bytesWritten === 0) throw new Error(`the disk took none of ${left} bytes at offset ${at}`)
    at += bytesWritten
    left -= bytesWritten
    if (left > 0) parts = rest(parts, bytesWritten)
  }
}

/** What is left of `parts` after its first `taken` bytes. */
function rest (parts: Uint8Array[], taken: number): Uint8Array[] {
  const left: Uint8Array[] = []
  for (const part of parts) {
    if (taken >= part.byteLength) {
      taken -= part.byteLength
      continue
    }
    left.push(taken > 0 ? part.subarray(taken) : part)
    taken = 0
  }
  return left
}

/** Whether the file may be renamed over `target`: nothing is there, or a regular file. */
async function replaceable (target: string): Promise<boolean> {
  const info = await lstat(target).catch(() => undefined)
  return info == null || info.isFile()
}
