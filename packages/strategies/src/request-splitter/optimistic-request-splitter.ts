import { factoryPlugin, type PeerKey, type Plugin, type PendingWant, type RequestSplitter, type SessionFeedback, type SessionRequestSplitter, type WantAssignment } from '@swapwright/core'
import { requireInteger } from '../util/check-init.js'
import type { CID } from 'multiformats/cid'
import { DontHaveMemory } from './dont-have-memory.js'
import { ProvenPeers } from './proven-peers.js'
import { TargetLoad } from './target-load.js'

/** Default `provenQuorum`: peers that must have proven they hold the session's blocks. */
const DEFAULT_PROVEN_QUORUM = 2
/** Default `provenAfter`: HAVEs and deliveries in a row, since a proven peer last failed. */
const DEFAULT_PROVEN_AFTER = 16
/** Default `spreadUnproven`. */
const DEFAULT_SPREAD_UNPROVEN = false

/**
 * The request splitter of current Go Bitswap (1.2.0), as the session want sender of boxo
 * (`bitswap/client/internal/session/sessionwantsender.go`) behaves: each want is asked for optimistically as a
 * WANT_BLOCK from the single best peer, and as a cheap WANT_HAVE from everyone else, so the block usually comes
 * once while the HAVE answers tell the session who to try next. A peer that said DONT_HAVE is never the
 * WANT_BLOCK target; when every ranked peer has said so the want waits for new peers, as in Go.
 *
 * Two changes from Go: when the session's blocks are small enough that a WANT_HAVE comes back as the block, only
 * the WANT_BLOCK goes out, so four peers do not send four copies; and once at least two peers have proven they
 * hold the session's blocks (see `ProvenPeers`), those peers get one WANT_BLOCK per block between them (dealt by
 * load with `spreadProven`, see `TargetLoad`) and no WANT_HAVEs, as a splitter of one file over its seeds would.
 * Either way a failed target releases the want to the next peer.
 */
export class OptimisticRequestSplitter implements RequestSplitter {
  readonly name = 'optimistic-request-splitter'
  private readonly maxLiveWants: number | undefined
  private readonly provenQuorum: number
  private readonly provenAfter: number
  private readonly spreadProven: boolean
  private readonly spreadUnproven: boolean

  constructor (init: OptimisticRequestSplitterInit = {}) {
    this.maxLiveWants = init.maxLiveWants == null ? undefined : requireInteger('maxLiveWants', init.maxLiveWants, 1)
    this.provenQuorum = requireInteger('provenQuorum', init.provenQuorum ?? DEFAULT_PROVEN_QUORUM, 0)
    this.provenAfter = requireInteger('provenAfter', init.provenAfter ?? DEFAULT_PROVEN_AFTER, 1)
    this.spreadProven = init.spreadProven ?? false
    this.spreadUnproven = init.spreadUnproven ?? DEFAULT_SPREAD_UNPROVEN
  }

  forSession (): SessionRequestSplitter {
    const proven = this.provenQuorum === 0 ? undefined : new ProvenPeers(this.provenQuorum, this.provenAfter)
    const spreads = this.spreadUnproven || (proven !== undefined && this.spreadProven)
    return new OptimisticSession(this.maxLiveWants, proven, spreads ? new TargetLoad() : undefined, this.spreadUnproven)
  }
}

export interface OptimisticRequestSplitterInit {
  /**
   * Wants a session keeps out at once (default: no limit, as in Go). Without a limit a big batch is targeted
   * at whichever peers have answered by the time it goes out, often the first responder alone; with one, later
   * wants go out as blocks arrive, when more peers have answered.
   */
  maxLiveWants?: number
  /**
   * Peers that must have proven they hold the session's blocks (HAVEs and deliveries, no failure since) before
   * wants go to one of them each, with no WANT_HAVEs to them (default 2; 0 asks every peer WANT_HAVE, as Go does).
   */
  provenQuorum?: number
  /** HAVEs and deliveries in a row, since a proven peer last failed, before they are trusted so (default 16). */
  provenAfter?: number
  /**
   * Deal wants over the proven peers by how many WANT_BLOCKs each holds unanswered, fewest first, so every seed
   * answers an even share at once (default false: each want goes to the best ranked proven peer, which under the
   * presence lottery favours whoever delivered most). Off by default because bench:dups showed no gain in time
   * or CPU yet (four seeds against one, 1 KiB to 1 MiB chunks, within the noise either way).
   */
  spreadProven?: boolean
  /**
   * Deal WANT_BLOCKs by load before peers are proven too: each want's target is the willing peer holding fewest
   * unanswered WANT_BLOCKs, the ranking breaking ties (so a peer that said HAVE goes first among equals).
   */
  spreadUnproven?: boolean
}

class OptimisticSession implements SessionRequestSplitter {
  private readonly dontHaves = new DontHaveMemory()
  /** The session's peers in the order they joined (those that left stay; `PendingWant.peers` tells). */
  private readonly joined: PeerKey[] = []
  /**
   * Per want, how many of `joined` its last full split covered. Keyed by the want's own CID object (the session
   * hands the same one to `split` and to a block's feedback), weakly, so an entry dies with its want: a string
   * key would cost the CID's base32 text per want, which multiformats caches on the CID as a chain of one-character
   * pieces (about 2 KB each; 30 MB for a level of 16,000 leaves).
   */
  private readonly covered = new WeakMap<CID, number>()

  constructor (
    readonly maxLiveWants: number | undefined,
    private readonly proven: ProvenPeers | undefined,
    /** Each peer's unanswered WANT_BLOCKs, when wants are spread by load. */
    private readonly load: TargetLoad | undefined,
    /** Spread by load before the quorum is proven too (else only over proven peers). */
    private readonly spreadUnproven: boolean
  ) {}

  /**
   * One pass over each want's ranking when it needs a WANT_BLOCK target. Once the WANT_BLOCK is out, an answer
   * can change nothing but who is still to be asked WANT_HAVE: only the peers that joined since the want's last
   * split are looked at, without a ranking, so a peer answering costs the splitter O(1) instead of a pass over
   * every peer of the session (boxo, too, asks every session peer WANT_HAVE, whatever its place).
   */
  split (wants: readonly PendingWant[]): WantAssignment[] {
    const out: WantAssignment[] = []
    // Peers proven to hold the session's blocks are asked WANT_BLOCK only; the others still hear WANT_HAVE, so
    // a newcomer can prove itself (and one that lacks the blocks refuses without costing the proven their trust).
    const proven = this.proven?.holds === true ? this.proven : undefined
    const asksHave = (peer: PeerKey): boolean => proven?.has(peer) !== true
    for (const want of wants) {
      const { cid, blockSentTo, haveSentTo } = want
      // a WANT_HAVE for a small block is answered with the block: one peer at a time, or each sends a copy
      const havesToo = want.haveAnswersWithBlock !== true
      if (blockSentTo.size > 0 && !havesToo) continue
      const refused = this.dontHaves.refusers(cid)
      const willing = (peer: string): boolean => refused?.has(peer) !== true
      const covered = want.peers == null ? undefined : this.covered.get(cid)
      if (blockSentTo.size > 0 && covered !== undefined) {
        for (let i = covered; i < this.joined.length; i++) {
          const peer = this.joined[i]
          if (want.peers?.has(peer) !== true || blockSentTo.has(peer) || haveSentTo.has(peer) || !willing(peer) || !asksHave(peer)) continue
          out.push({ peer, cid, wantType: 'have' })
        }
        this.covered.set(cid, this.joined.length)
        continue
      }
      const ranked = want.ranked
      const blockTarget = blockSentTo.size === 0
        ? (proven === undefined ? undefined : this.provenTarget(ranked, peer => willing(peer) && proven.has(peer))) ??
          (this.spreadUnproven ? this.provenTarget(ranked, willing) : ranked.find(willing))
        : undefined
      if (blockTarget !== undefined) {
        out.push({ peer: blockTarget, cid, wantType: 'block' })
        this.load?.assigned(cid, blockTarget)
      }
      if (want.peers != null) this.covered.set(cid, this.joined.length)
      if (!havesToo) continue
      for (const peer of ranked) {
        if (peer === blockTarget || blockSentTo.has(peer) || haveSentTo.has(peer) || !willing(peer) || !asksHave(peer)) continue
        out.push({ peer, cid, wantType: 'have' })
      }
    }
    return out
  }

  /** The proven peer to hold a want's WANT_BLOCK: the least loaded (when spreading), else the best ranked. */
  private provenTarget (ranked: readonly PeerKey[], eligible: (peer: PeerKey) => boolean): PeerKey | undefined {
    return this.load === undefined ? ranked.find(eligible) : this.load.lightest(ranked, eligible)
  }

  observe (feedback: SessionFeedback): void {
    this.dontHaves.observe(feedback)
    this.proven?.observe(feedback)
    this.load?.observe(feedback)
    if (feedback.type === 'peer-added') this.joined.push(feedback.peer)
    else if (feedback.type === 'block') this.covered.delete(feedback.cid)
  }
}

/** The Go default: one WANT_BLOCK to the best peer, WANT_HAVE to the rest. */
export function optimisticRequestSplitter (init: OptimisticRequestSplitterInit = {}): Plugin<RequestSplitter> {
  return factoryPlugin('optimistic-request-splitter', () => new OptimisticRequestSplitter(init))
}
