import { open } from 'node:fs/promises'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import type { Blockstore } from 'interface-blockstore'

/**
 * Blocks read ahead of the one being written. Reading stays just ahead of writing, so a file of any size costs
 * this many blocks of memory (a general-purpose exporter reads as fast as it can and buffers the rest).
 */
export const EXPORT_READ_AHEAD = 8

/**
 * Writes the bytes of a UnixFS file (dag-pb nodes over raw or dag-pb leaves) or of a single raw block to
 * `target`, in file order, reading at most `EXPORT_READ_AHEAD` blocks ahead of the write; `onWrite` hears each
 * write's size. Returns the bytes written; a file whose blocks add up to another size than its root declares
 * is an error.
 */
export async function writeUnixfsFile (root: CID, blockstore: Blockstore, target: string, signal: AbortSignal, onWrite?: (bytes: number) => void): Promise<number> {
  const file = await open(target, 'w')
  let written = 0
  try {
    for await (const bytes of unixfsFileBytes(root, blockstore, signal)) {
      signal.throwIfAborted()
      await file.write(bytes)
      written += bytes.byteLength
      onWrite?.(bytes.byteLength)
    }
  } finally {
    await file.close()
  }
  const declared = declaredSize(root, await read(blockstore, root, signal))
  if (declared !== undefined && declared !== written) {
    throw new Error(`${root} declares ${declared} bytes but its blocks hold ${written}`)
  }
  return written
}

/**
 * A UnixFS file's bytes in order. Lazy: blocks are read only as the bytes are pulled, at most
 * `EXPORT_READ_AHEAD` ahead per level of the DAG, so a slow consumer holds a few blocks, not the file.
 */
export async function * unixfsFileBytes (root: CID, blockstore: Blockstore, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  yield * fileBytes(root, await read(blockstore, root, signal), blockstore, signal)
}

/** The file's bytes under `cid`, whose block is `block`, in order: a node's own data, then its children's. */
async function * fileBytes (cid: CID, block: Uint8Array, blockstore: Blockstore, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  if (cid.code === raw.code) {
    yield block
    return
  }
  if (cid.code !== dagPb.code) throw new Error(`${cid} is neither dag-pb nor raw: not part of a UnixFS file`)
  const node = dagPb.decode(block)
  if (node.Data == null) throw new Error(`${cid} has no UnixFS data`)
  const unixfs = UnixFS.unmarshal(node.Data)
  if (unixfs.type !== 'file' && unixfs.type !== 'raw') throw new Error(`${cid} is a UnixFS ${unixfs.type}, not a file`)
  if (unixfs.data != null && unixfs.data.byteLength > 0) yield unixfs.data
  const links = node.Links.map(link => CID.asCID(link.Hash) ?? link.Hash)
  // A window of reads under way: the next children are read while the current one is written.
  const ahead: Array<Promise<Uint8Array>> = []
  let next = 0
  for (const child of links) {
    while (next < links.length && ahead.length < EXPORT_READ_AHEAD) {
      const reading = read(blockstore, links[next++], signal)
      reading.catch(() => {}) // awaited in turn below; a failure there ends the export
      ahead.push(reading)
    }
    yield * fileBytes(child, await (ahead.shift() as Promise<Uint8Array>), blockstore, signal)
  }
}

function declaredSize (cid: CID, block: Uint8Array): number | undefined {
  if (cid.code !== dagPb.code) return block.byteLength
  const data = dagPb.decode(block).Data
  return data == null ? undefined : Number(UnixFS.unmarshal(data).fileSize())
}

async function read (blockstore: Blockstore, cid: CID, signal: AbortSignal): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of blockstore.get(cid, { signal })) chunks.push(chunk)
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
}
