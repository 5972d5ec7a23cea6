import { factoryPlugin, type Plugin, type PendingWant, type RequestSplitter, type SessionRequestSplitter, type WantAssignment } from '@swapwright/core'

/**
 * Asks every ranked peer for every block. The fastest peer always answers, at the price of a duplicate from
 * each of the others: a baseline for measuring the other splitters, and a fair choice for tiny swarms.
 */
export class BroadcastRequestSplitter implements RequestSplitter {
  readonly name = 'broadcast-request-splitter'

  forSession (): SessionRequestSplitter {
    return {
      split: (wants: readonly PendingWant[]): WantAssignment[] => wants.flatMap(({ cid, ranked, blockSentTo }) =>
        ranked.filter(peer => !blockSentTo.has(peer)).map(peer => ({ peer, cid, wantType: 'block' as const }))),
      observe: () => {}
    }
  }
}

/** Every want to every ranked peer, as WANT_BLOCK. */
export function broadcastRequestSplitter (): Plugin<RequestSplitter> {
  return factoryPlugin('broadcast-request-splitter', () => new BroadcastRequestSplitter())
}
