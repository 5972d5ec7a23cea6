import { factoryPlugin, type Plugin, type PendingWant, type RequestSplitter, type SessionFeedback, type SessionRequestSplitter, type WantAssignment } from '@swapwright/core'
import { requireInteger } from '../util/check-init.js'
import { DontHaveMemory } from './dont-have-memory.js'

export interface AdaptiveRequestSplitterInit {
  /** Split factor a session starts with. Default 2. */
  initialSplit?: number
  /** Lowest split factor (every peer gets every want). Default 1. */
  minSplit?: number
  /** Highest split factor. Default 16. */
  maxSplit?: number
  /** Wants a session keeps out at once, as the 2019 design did. Default 32. */
  maxLiveWants?: number
  /**
   * Whether a peer whose copy of a block came after the session had it joins the session, as in 2019 (the
   * session enlisted every sender of a block it had asked for). Default true; false keeps today's rule (a peer
   * joins on a HAVE or a wanted block), under which two seeds that both answer the first broadcast leave only
   * the faster one to split over.
   */
  duplicateSendersJoin?: boolean
}

/** Blocks a session must have seen before duplicates may raise the split; one early duplicate is noise. */
const MIN_RECEIVED_TO_SPLIT_MORE = 2
/** Above this share of duplicates the peers overlap too much: split further. */
const SPLIT_MORE_ABOVE = 0.4
/** Below this share the session can afford more redundancy: split less. */
const SPLIT_LESS_BELOW = 0.2

/**
 * The 2019 Go design (1.1.0, before HAVE/DONT_HAVE existed), as go-bitswap's `sessionrequestsplitter` package
 * did it: the ranked peers are dealt round-robin into `split` groups (fewer if there are fewer peers) and each
 * want goes, as WANT_BLOCK, to one group only, so a larger split means less redundancy. The split moves with the
 * session's duplicate ratio.
 *
 * One deliberate change: Go dealt every batch from the first group, and since most refills carry a single want
 * that group took nearly all the load. Here a per-session cursor carries on where the last batch stopped, which
 * gives the same deal for a full batch and spreads single-want refills over every group.
 */
export class AdaptiveRequestSplitter implements RequestSplitter {
  readonly name = 'adaptive-request-splitter'
  private readonly initialSplit: number
  private readonly minSplit: number
  private readonly maxSplit: number
  private readonly maxLiveWants: number
  private readonly duplicateSendersJoin: boolean

  constructor (init: AdaptiveRequestSplitterInit = {}) {
    this.duplicateSendersJoin = init.duplicateSendersJoin ?? true
    if (typeof this.duplicateSendersJoin !== 'boolean') throw new TypeError(`duplicateSendersJoin must be a boolean, got ${String(init.duplicateSendersJoin)}`)
    this.maxLiveWants = requireInteger('maxLiveWants', init.maxLiveWants ?? 32, 1)
    this.minSplit = requireInteger('minSplit', init.minSplit ?? 1, 1)
    this.maxSplit = requireInteger('maxSplit', init.maxSplit ?? 16, this.minSplit)
    this.initialSplit = requireInteger('initialSplit', init.initialSplit ?? Math.min(Math.max(2, this.minSplit), this.maxSplit), this.minSplit, this.maxSplit)
  }

  forSession (): SessionRequestSplitter {
    return new AdaptiveSplitSession(this.initialSplit, this.minSplit, this.maxSplit, this.maxLiveWants, this.duplicateSendersJoin)
  }
}

/** One session's split factor and the counters it adapts from (whole-session totals, no window, as in Go). */
export class AdaptiveSplitSession implements SessionRequestSplitter {
  private currentSplit: number
  private received = 0
  private duplicates = 0
  private cursor = 0
  private readonly dontHaves = new DontHaveMemory()

  /**
   * `duplicateSendersJoin` (default true, as in 2019): a seed whose copy came second still joins, so the split
   * has both seeds to choose from.
   */
  constructor (initialSplit: number, private readonly minSplit: number, private readonly maxSplit: number, readonly maxLiveWants = 32, readonly duplicateSendersJoin = true) {
    this.currentSplit = initialSplit
  }

  /** The current split factor, for tests and statistics. */
  get splitFactor (): number {
    return this.currentSplit
  }

  split (wants: readonly PendingWant[]): WantAssignment[] {
    const out: WantAssignment[] = []
    for (const { cid, ranked, blockSentTo } of wants) {
      // a want some peer already holds is left alone: in this design a stalled want is re-sent by broadcast, not re-split
      if (blockSentTo.size > 0) continue
      const peers = ranked.filter(peer => !this.dontHaves.saidDontHave(cid, peer))
      if (peers.length === 0) continue
      const groups = Math.min(this.currentSplit, peers.length)
      for (let k = this.cursor % groups; k < peers.length; k += groups) {
        out.push({ peer: peers[k], cid, wantType: 'block' })
      }
      this.cursor = (this.cursor + 1) % 0x4000_0000
    }
    return out
  }

  observe (feedback: SessionFeedback): void {
    this.dontHaves.observe(feedback)
    if (feedback.type !== 'block') return
    this.received++
    if (feedback.duplicate) {
      this.duplicates++
      if (this.received > MIN_RECEIVED_TO_SPLIT_MORE && this.ratio() > SPLIT_MORE_ABOVE && this.currentSplit < this.maxSplit) {
        this.currentSplit++
      }
    } else if (this.ratio() < SPLIT_LESS_BELOW && this.currentSplit > this.minSplit) {
      this.currentSplit--
    }
  }

  private ratio (): number {
    return this.duplicates / this.received
  }
}

/** The 2019 Go splitter: split factor 2, adapted between 1 and 16 by the duplicate ratio. */
export function adaptiveRequestSplitter (init: AdaptiveRequestSplitterInit = {}): Plugin<RequestSplitter> {
  return factoryPlugin('adaptive-request-splitter', () => new AdaptiveRequestSplitter(init))
}
