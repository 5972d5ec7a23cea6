import { createWriteStream } from 'node:fs'
import { lstat, mkdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileError } from './errors.js'
import { writeUnixfsFile } from './write-unixfs-file.js'
import type { Blockstore } from 'interface-blockstore'
import type { UnixFSEntry } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

/**
 * Writes a UnixFS file or directory tree from the repository to `out`. Every block is already local and
 * verified, so this reads only the disk; `onWritten` hears the file bytes written so far. Returns the file bytes
 * written.
 */
export async function exportDag (root: CID, blockstore: Blockstore, out: string, signal: AbortSignal, onWritten?: (written: number) => void): Promise<number> {
  // loaded here, not with the command: a get of a file never needs it (see root-entry.ts)
  const { exporter } = await import('ipfs-unixfs-exporter')
  const progress = { written: 0, onWritten, exporter }
  return write(await exporter(root, blockstore, { signal }), out, blockstore, signal, progress)
}

/** File bytes written so far over the whole tree, and who hears of them; with the exporter that reads the tree. */
interface Written {
  written: number
  onWritten?: (written: number) => void
  exporter: typeof import('ipfs-unixfs-exporter').exporter
}

async function write (entry: UnixFSEntry, target: string, blockstore: Blockstore, signal: AbortSignal, progress: Written): Promise<number> {
  try {
    // Nothing is ever written through a symbolic link: one already at the target (from this tree, or there
    // before) would lead the write outside the output directory.
    await refuseSymlink(target)
    if (entry.type === 'directory') {
      await mkdir(target, { recursive: true })
      let written = 0
      for await (const child of entry.entries({ signal })) {
        written += await write(await progress.exporter(child.cid, blockstore, { signal }), join(target, entryName(child.name, target)), blockstore, signal, progress)
      }
      return written
    }
    if (entry.type === 'file' && entry.unixfs.type === 'symlink') {
      // recreated as it was stored: its target is text, and is neither followed nor checked
      await symlink(new TextDecoder().decode(entry.unixfs.data ?? new Uint8Array()), target)
      return 0
    }
    if (entry.type === 'object') throw new Error(`${entry.cid} is not a UnixFS file or directory`)
    if (entry.type === 'file' || entry.type === 'raw') {
      return await writeUnixfsFile(entry.cid, blockstore, target, signal, bytes => {
        progress.written += bytes
        progress.onWritten?.(progress.written)
      })
    }
    await pipeline(Readable.from(entry.content({ signal })), createWriteStream(target), { signal })
    return Number(entry.size)
  } catch (err) {
    if (signal.aborted) throw err
    throw fileError(err, target)
  }
}

/** A name from a directory of the DAG, which must be one plain name: a name with a / or a .. could reach outside. */
function entryName (name: string, dir: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new Error(`the directory written to ${dir} holds an entry named ${JSON.stringify(name)}, which is not a plain name`)
  }
  return name
}

/** Nothing is ever written through a symbolic link: one at `target` is an error. */
export async function refuseSymlink (target: string): Promise<void> {
  const info = await lstat(target).catch(() => undefined)
  if (info?.isSymbolicLink() === true) throw new Error(`${target} is a symbolic link; nothing is written through one`)
}
