import type { PeerKey, SessionFeedback } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

/**
 * Which peers told one session they lack a block (or stayed silent until core assumed so). Splitters use it to
 * avoid spending a WANT_BLOCK on a peer that already said no; a later HAVE clears the mark, and once the block
 * arrives the whole entry goes, so memory stays bounded by the session's outstanding wants.
 */
export class DontHaveMemory {
  private readonly byCid = new Map<string, Set<PeerKey>>()

  observe (feedback: SessionFeedback): void {
    switch (feedback.type) {
      case 'dont-have': {
        const key = feedback.cid.toString()
        let peers = this.byCid.get(key)
        if (peers == null) {
          peers = new Set()
          this.byCid.set(key, peers)
        }
        peers.add(feedback.peer)
        break
      }
      case 'have':
        this.forget(feedback.cid.toString(), feedback.peer)
        break
      case 'block':
        // once per block: no key to make while nobody has refused anything
        if (this.byCid.size > 0) this.byCid.delete(feedback.cid.toString())
        break
      case 'peer-removed':
        for (const key of [...this.byCid.keys()]) this.forget(key, feedback.peer)
        break
      case 'peer-added':
        break
    }
  }

  saidDontHave (cid: CID, peer: PeerKey): boolean {
    return this.refusers(cid)?.has(peer) ?? false
  }

  /** Every peer that said DONT_HAVE for `cid` (one lookup for a whole ranking), or undefined for none. */
  refusers (cid: CID): ReadonlySet<PeerKey> | undefined {
    return this.byCid.size === 0 ? undefined : this.byCid.get(cid.toString())
  }

  private forget (key: string, peer: PeerKey): void {
    const peers = this.byCid.get(key)
    if (peers == null) return
    peers.delete(peer)
    if (peers.size === 0) this.byCid.delete(key)
  }
}
