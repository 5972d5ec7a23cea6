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
  /** Throws when the blocks of a level can never arrive from the peers at hand. */
  check: (level: readonly CID[]) => void = () => {}
): Promise<DagProgress> {
  const progress = { blocks: 0, bytes: 0 }
  // Keyed by the block's key (one flat string, shared with the node's own maps), not the CID's base32 text:
  // multiformats caches that text on the CID as a chain of one-character pieces (about 2 KB a CID), and the CIDs
  // of a level live until the level is done.
  const seen = new Set<string>([blockKey(root)])
  let level: CID[] = [root]
  while (level.length > 0) {
    check(level)
    const next: CID[] = []
    for await (const { cid, bytes } of session.getBlocks(letGo(level), { signal })) {
      progress.blocks++
      progress.bytes += bytes.byteLength
      const node = cid.code === dagPb.code ? dagPb.decode(bytes) : undefined
      await onBlock(progress, cid, bytes, node)
      if (node == null) continue
      for (const link of node.Links) {
        const child = CID.asCID(link.Hash) ?? link.Hash
        const key = blockKey(child)
        if (seen.has(key)) continue
        seen.add(key)
        next.push(child)
      }
    }
    level = next
  }
  return progress
}

/**
 * The CIDs of a level, each let go of by the level as the batch takes it: a CID then lives only while its block
 * is on its way, not until the whole level is done (16,000 of them, about 700 bytes each, for a level of 1 KiB
 * leaves of a 16 MiB file).
 */
function * letGo (level: Array<CID | undefined>): Generator<CID> {
  for (let i = 0; i < level.length; i++) {
    const cid = level[i] as CID
    level[i] = undefined
    yield cid
  }
}
