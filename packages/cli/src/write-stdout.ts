import { once } from 'node:events'
import { unixfsFileBytes } from './write-unixfs-file.js'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/**
 * Writes a UnixFS file from the repository to stdout, waiting whenever stdout is full; `onWritten` hears the bytes
 * written so far. Returns the bytes written.
 */
export async function writeToStdout (root: CID, blockstore: Blockstore, signal: AbortSignal, onWritten?: (written: number) => void): Promise<number> {
  let written = 0
  for await (const bytes of unixfsFileBytes(root, blockstore, signal)) {
    written += bytes.byteLength
    onWritten?.(written)
    if (!process.stdout.write(bytes)) await once(process.stdout, 'drain', { signal })
  }
  return written
}
