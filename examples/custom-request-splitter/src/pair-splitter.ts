import { factoryPlugin, type PendingWant, type Plugin, type RequestSplitter, type SessionFeedback, type SessionRequestSplitter, type WantAssignment } from '@swapwright/core'

/**
 * A request splitter between the two Go designs: each want goes as WANT_BLOCK to the two best-ranked peers
 * (so one slow peer cannot hold the block up) and as WANT_HAVE to everyone else. It costs duplicates whenever
 * both peers have the block; the lab shows how many, and what it buys in time.
 */
export class PairSplitter implements RequestSplitter {
  readonly name = 'pair-splitter'

  forSession (): SessionRequestSplitter {
    // peers that told this session they lack a block are never asked for it again
    const lacking = new Set<string>()
    const key = (cid: { toString: () => string }, peer: string): string => `${cid.toString()} ${peer}`
    return {
      split (wants: readonly PendingWant[]): WantAssignment[] {
        const out: WantAssignment[] = []
        for (const { cid, ranked, blockSentTo, haveSentTo } of wants) {
          const willing = ranked.filter(peer => !lacking.has(key(cid, peer)))
          const blockTargets = willing.filter(peer => !blockSentTo.has(peer)).slice(0, Math.max(0, 2 - blockSentTo.size))
          for (const peer of blockTargets) out.push({ peer, cid, wantType: 'block' })
          for (const peer of willing) {
            if (!blockTargets.includes(peer) && !blockSentTo.has(peer) && !haveSentTo.has(peer)) out.push({ peer, cid, wantType: 'have' })
          }
        }
        return out
      },
      observe (feedback: SessionFeedback): void {
        if (feedback.type === 'dont-have') lacking.add(key(feedback.cid, feedback.peer))
      }
    }
  }
}

/** The plugin for `createBitswap({ requestSplitter })` or a lab strategy set. */
export function pairSplitter (): Plugin<RequestSplitter> {
  return factoryPlugin('pair-splitter', () => new PairSplitter())
}
