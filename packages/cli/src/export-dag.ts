import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { IdentityBlockstore } from 'blockstore-core/identity'
import { exporter, type UnixFSEntry } from 'ipfs-unixfs-exporter'
import { fileError } from './errors.js'
import { writeUnixfsFile } from './write-unixfs-file.js'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/**
 * Writes a UnixFS file or directory tree from the repository to `out`. Every block is already local and
 * verified, so this reads only the disk (and the identity CIDs, whose blocks are their digests). Returns the file bytes written.
 */
export async function exportDag (root: CID, repository: Blockstore, out: string, signal: AbortSignal): Promise<number> {
  // Inlined blocks (`ipfs add --inline`) live in their identity CIDs, never in the repository.
  const blockstore = new IdentityBlockstore(repository)
  return write(await exporter(root, blockstore, { signal }), out, blockstore, signal)
}

async function write (entry: UnixFSEntry, target: string, blockstore: Blockstore, signal: AbortSignal): Promise<number> {
  try {
    if (entry.type === 'directory') {
      await mkdir(target, { recursive: true })
      let written = 0
      for await (const child of entry.entries({ signal })) {
        written += await write(await exporter(child.cid, blockstore, { signal }), join(target, child.name), blockstore, signal)
      }
      return written
    }
    if (entry.type === 'object') throw new Error(`${entry.cid} is not a UnixFS file or directory`)
    if (entry.type === 'file' || entry.type === 'raw') return await writeUnixfsFile(entry.cid, blockstore, target, signal)
    await pipeline(Readable.from(entry.content({ signal })), createWriteStream(target), { signal })
    return Number(entry.size)
  } catch (err) {
    if (signal.aborted) throw err
    throw fileError(err, target)
  }
}
