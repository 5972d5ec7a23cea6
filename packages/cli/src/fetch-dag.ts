import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { blockKey, type Session } from '@swapwright/core'

export interface DagProgress {
  blocks: number
  bytes: number
}

/**
 * Fetches every block of a DAG through a session, a level at a time with every child of a level wanted at once,
 * as a client walking a file does; blocks already in the repository come from it, so a second run resumes.
 * Only dag-pb nodes have links here (UnixFS); raw blocks are leaves.
 */
export async function fetchDag (
  session: Session, root: CID,
  /**
   * Hears of each verified block as it comes, with a dag-pb block's decoded node (decoded here once for both);
   * the next is taken when what this returns settles.
   */
  onBlock: (progress: DagProgress, cid: CID, bytes: Uint8Array, node?: dagPb.PBNode) => void | Promise<void>, signal: AbortSignal,
  /** Throws when the given blocks of the DAG can never arrive from the peers at hand; asked before they are wanted. */
  check: (cids: readonly CID[]) => void = () => {}
): Promise<DagProgress> {
  const progress = { blocks: 0, bytes: 0 }
  // Keyed by the block's key (one flat string, shared with the node's own maps), not the CID's base32 text:
  // multiformats caches that text on the CID as a chain of one-character pieces (about 2 KB a CID), and a key
  // stays for the whole fetch.
  const seen = new Set<string>([blockKey(root)])
  check([root])
  let level: LinkList[] = [root.bytes]
  while (level.length > 0) {
    const next: LinkList[] = []
    for await (const { cid, bytes } of session.getBlocks(letGo(level), { signal })) {
      progress.blocks++
      progress.bytes += bytes.byteLength
      const node = cid.code === dagPb.code ? dagPb.decode(bytes) : undefined
      await onBlock(progress, cid, bytes, node)
      if (node == null) continue
      const children: CID[] = []
      for (const link of node.Links) {
        const child = CID.asCID(link.Hash) ?? link.Hash
        const key = blockKey(child)
        if (seen.has(key)) continue
        seen.add(key)
        children.push(child)
      }
      if (children.length === 0) continue
      check(children)
      next.push(linkList(children))
    }
    level = next
  }
  return progress
}

/**
 * The CIDs of one node's new children, their bytes one after another in one array of their size. A level of
 * 1 KiB leaves of a 16 MiB file is 16,000 CIDs, and only the batch's window of them is wanted at a time: as CID
 * objects the rest cost about 800 bytes each (the CID, its digest, three views and an array of their own) until
 * their turn, about 12 MiB of a get's live heap, which V8 lets grow two to three times over before it collects;
 * as bytes they cost 36 each, and each becomes a CID as the batch takes it.
 */
type LinkList = Uint8Array

function linkList (cids: readonly CID[]): LinkList {
  let length = 0
  for (const cid of cids) length += cid.bytes.byteLength
  const list = new Uint8Array(length)
  let offset = 0
  for (const cid of cids) {
    list.set(cid.bytes, offset)
    offset += cid.bytes.byteLength
  }
  return list
}

/**
 * The CIDs of a level, each list let go of by the level as the batch reaches it: its bytes then live only until
 * its CIDs are taken, and each CID only while its block is on its way, not until the whole level is done.
 */
function * letGo (level: Array<LinkList | undefined>): Generator<CID> {
  for (let i = 0; i < level.length; i++) {
    let rest = level[i] as LinkList
    level[i] = undefined
    while (rest.byteLength > 0) {
      const [cid, after] = CID.decodeFirst(rest)
      rest = after
      yield cid
    }
  }
}
