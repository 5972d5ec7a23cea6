import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced, trickle } from 'ipfs-unixfs-importer/layout'
import type { MemoryBlockstore } from '@swapwright/stores'
import type { CID } from 'multiformats/cid'

/**
 * Imports `bytes` as a UnixFS file in 1 KiB leaves, 16 links a node: 200 leaves make a balanced DAG three levels
 * deep; a trickle DAG has leaves at every depth.
 */
export async function importFile (store: MemoryBlockstore, bytes: Uint8Array, rawLeaves: boolean, layout: 'balanced' | 'trickle' = 'balanced'): Promise<CID> {
  let root: CID | undefined
  for await (const entry of importer([{ content: bytes }], store, {
    rawLeaves,
    cidVersion: rawLeaves ? 1 : 0,
    chunker: fixedSize({ chunkSize: 1024 }),
    layout: layout === 'balanced' ? balanced({ maxChildrenPerNode: 16 }) : trickle({ maxChildrenPerNode: 16, layerRepeat: 2 })
  })) root = entry.cid
  return root as CID
}
