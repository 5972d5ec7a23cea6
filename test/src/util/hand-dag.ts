import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import type { MultihashHasher } from 'multiformats/hashes/interface'

export interface HandDagOptions {
  /** The hash function of every block that is not inlined. */
  hasher: MultihashHasher
  /** Blocks of at most this many bytes (other than the root) get identity CIDs, as `ipfs add --inline` does. */
  inlineLimit?: number
}

interface Built { cid: CID, fileSize: number, dagSize: number }

/**
 * A UnixFS file of `parts` (raw leaves) under dag-pb nodes of two leaves each and a root, written by hand so the
 * hash function and inlining can be chosen (the importer always uses sha2-256 and never inlines). Every block
 * that is not inlined goes to `put`; the root is never inlined, so it is the one block a fetch must ask for.
 */
export async function handDag (put: (cid: CID, bytes: Uint8Array) => Promise<unknown>, parts: Uint8Array[], options: HandDagOptions): Promise<CID> {
  const block = async (codec: number, bytes: Uint8Array, root = false): Promise<CID> => {
    if (!root && bytes.byteLength <= (options.inlineLimit ?? -1)) return CID.createV1(codec, identity.digest(bytes))
    const cid = CID.createV1(codec, await options.hasher.digest(bytes))
    await put(cid, bytes)
    return cid
  }
  const node = async (children: Built[], root = false): Promise<Built> => {
    const unixfs = new UnixFS({ type: 'file' })
    for (const child of children) unixfs.addBlockSize(BigInt(child.fileSize))
    const bytes = dagPb.encode(dagPb.prepare({
      Data: unixfs.marshal(),
      Links: children.map(child => ({ Hash: child.cid, Tsize: child.dagSize }))
    }))
    const fileSize = children.reduce((sum, child) => sum + child.fileSize, 0)
    const dagSize = children.reduce((sum, child) => sum + child.dagSize, bytes.byteLength)
    return { cid: await block(dagPb.code, bytes, root), fileSize, dagSize }
  }
  const leaves = await Promise.all(parts.map(async part => ({ cid: await block(raw.code, part), fileSize: part.byteLength, dagSize: part.byteLength })))
  const middle: Built[] = []
  for (let i = 0; i < leaves.length; i += 2) middle.push(await node(leaves.slice(i, i + 2)))
  return (await node(middle, true)).cid
}
