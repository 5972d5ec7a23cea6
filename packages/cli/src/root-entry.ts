import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import * as raw from 'multiformats/codecs/raw'
import type { CID } from 'multiformats/cid'

/** The multihash code of an identity CID, whose bytes are in the CID itself: never fetched. */
const IDENTITY_HASH = 0x00

/**
 * What a get needs of the file it fetches, as the UnixFS exporter's entries say it too: a raw block, or a UnixFS
 * file node with its sizes and links.
 */
export type FileRootEntry =
  | { type: 'raw', cid: CID, size: bigint, node: Uint8Array }
  | { type: 'file', cid: CID, size: bigint, node: dagPb.PBNode, unixfs: UnixFS }

/** Whether the root of `cid` can be read from its own block alone (a raw or dag-pb block, not an identity CID). */
export function readableRoot (cid: CID): boolean {
  return (cid.code === raw.code || cid.code === dagPb.code) && cid.multihash.code !== IDENTITY_HASH
}

/**
 * The entry of a file's root block, read from the block itself; undefined for anything else (a directory, a
 * symbolic link, a dag-pb node that is not UnixFS), which the exporter resolves. The exporter gives the same
 * entry for these, but it comes with its resolvers of every codec (dag-cbor, dag-json and their encoders), which
 * a get of a file never uses and which every such get loaded before its first want.
 */
export function fileRootEntry (cid: CID, block: Uint8Array): FileRootEntry | undefined {
  if (!readableRoot(cid)) return undefined
  if (cid.code === raw.code) return { type: 'raw', cid, size: BigInt(block.byteLength), node: block }
  let node: dagPb.PBNode
  let unixfs: UnixFS
  try {
    node = dagPb.decode(block)
    if (node.Data == null) return undefined
    unixfs = UnixFS.unmarshal(node.Data)
  } catch {
    // not dag-pb or not UnixFS: the exporter says so in its own words
    return undefined
  }
  if (unixfs.type !== 'file' && unixfs.type !== 'raw') return undefined
  return { type: 'file', cid, size: unixfs.fileSize(), node, unixfs }
}
