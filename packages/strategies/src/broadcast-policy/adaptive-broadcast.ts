import {
  errorMessage, factoryPlugin, type BroadcastAnswer, type BroadcastDecision, type BroadcastPeerView, type BroadcastPolicy,
  type BroadcastRequest, type Clock, type Components, type PeerKey, type Plugin, type RandomSource, type Timer
} from '@swapwright/core'
import { requireInteger, requireNumber } from '../util/check-init.js'
import { FindHistory } from './find-history.js'
import { PeerScores } from './peer-scores.js'
import { RoundCredit } from './round-credit.js'
import type { ScoreStore } from './score-store.js'

export interface AdaptiveBroadcastInit {
  /**
   * How many peers the broadcast has reached after each step, best first: increasing, the last may be
   * `Infinity` (every connected peer). The first is a cap: the first step asks only as many of the best-scored
   * peers as hold `firstShare` of the score, and `steps[0]` peers only when no peer it may ask has a score and
   * `learnUntil` is 0. Default [21, Infinity] (21: about half of what `boxoBroadcastControl` asks on the lab's
   * MainnetLike): after the first step, only the provider search and, late,
   * everyone (`everyoneAfter`). A middle step is paid by every want the first step does not find, and most of
   * those (the roots nobody connected holds) no step finds; see the strategies README.
   */
  steps?: readonly number[]
  /**
   * Share of the worth of the recent finds (`findMemory`) the first step reaches before it stops, in (0, 1]:
   * it adds peers one at a time, each the one that adds most (see `AdaptiveBroadcast`), at most `steps[0]`.
   * A find is worth 1 when the step holds its fastest answerer that it may ask, the ratio of their round trips
   * when only a slower one, 0 when none. With no finds to go by (a restart that loaded scores), the fewest
   * best-scored peers holding this share of the score. Default 0.9.
   */
  firstShare?: number
  /**
   * Broadcasts whose answerers are remembered, as sets, to choose the first step by (the last ones begun).
   * Default 256.
   */
  findMemory?: number
  /**
   * Finds of a peer, at least, that show whom it overlaps with: only such peers are picked by what they add
   * to the picks' finds, and left out when the picks hold nearly all (`firstShare`) of their finds as fast.
   * Peers with fewer come after those picks, most finds first (a find answered alone counting `loneWorth`),
   * then fastest: a next-tier root has two holders, and the picks holding one of them says nothing about the
   * other's next root. Default 3.
   */
  redundantAfter?: number
  /**
   * Score, about that many answers, the peers a broadcast may ask must hold between them before the first step
   * is ranked: below it, the first step asks every one of them, as a node without this policy does. A node that
   * knows little learns who holds what from every holder's answer (a top provider it never asked would never
   * earn a score: the peers it does ask find most roots first, so the provider search that would introduce the
   * others seldom runs); scores loaded from `scoreStore` count, so a restart does not flood again. 0 never
   * floods. Default 150: on the lab's MainnetLike about 90 broadcasts flood (60 of 150 warm-up roots, with
   * the sessions' rebroadcasts), once in a node's life with a score store; with 50 (about 30) half the next
   * tier's providers had never answered when the warm-up ended (see the strategies README).
   */
  learnUntil?: number
  /**
   * What a find a peer answered alone counts for, against one it shared with other answerers, in [0, 1], when
   * the first step ranks the peers with fewer than `redundantAfter` finds: a root only one peer holds is the
   * long tail's (its holder seldom holds the next root asked for), while a root two or three peers hold is a
   * provider tier's, and its holders hold others. Default 0.5: two lone finds count as one shared.
   */
  loneWorth?: number
  /** Round trips (the `roundTripQuantile` of the peers just asked) to wait before the next step. Default 1.2. */
  roundTrips?: number
  /**
   * Which of the asked peers' round trips sets the wait before the next step, as a quantile: 0.9 waits until
   * nine in ten of them could have answered, so a slow provider's HAVE is not paid for by a wider step. Default 0.9.
   */
  roundTripQuantile?: number
  /** The wait before the next step when no peer asked has a round-trip estimate, ms. Default 250. */
  stepDelay?: number
  /**
   * The wait before the step that reaches everyone (an infinite last step), ms since the first step. Until then
   * the provider search (which starts after `providerSearchDelay`) finds what the best peers do not hold; asking
   * everyone earlier would spend a whole broadcast on each root that exists nowhere. Default 15 000 (by then
   * the public-network measurements saw 98 % of the available roots found).
   */
  everyoneAfter?: number
  /** Time for a peer's score to halve, ms. Default 30 minutes. */
  halfLife?: number
  /** Score a wanted block adds. Default 1. */
  blockWorth?: number
  /** Score a HAVE adds. Default 0.5. */
  haveWorth?: number
  /** Most peers whose scores are kept (the weakest goes first). Default 4096. */
  maxScores?: number
  /** Where scores survive restarts: read at start, written at stop and every `saveInterval`. Default: none. */
  scoreStore?: ScoreStore
  /** How often scores are written to `scoreStore`, ms; 0 writes only at stop. Default 60 000. */
  saveInterval?: number
}

/**
 * What asking a peer with round trip `rtt` is worth to a find whose fastest known answerer has `fastest`: the
 * ratio of the two, so the fast ones among peers that answer the same things go first, while covering a find
 * at all (a slower holder rather than the provider search, seconds later) counts for most of it.
 */
function worthOf (fastest: number, rtt: number): number {
  return fastest / rtt
}

/** A peer of a step's request with its score now, and its place among equal scores. */
interface Ranked { view: BroadcastPeerView, score: number, tie: number }

type Options = Required<Omit<AdaptiveBroadcastInit, 'scoreStore'>> & Pick<AdaptiveBroadcastInit, 'scoreStore'>

export const ADAPTIVE_BROADCAST_DEFAULTS: Readonly<Options> = Object.freeze({
  steps: Object.freeze([21, Infinity]) as readonly number[],
  firstShare: 0.9,
  findMemory: 256,
  redundantAfter: 3,
  learnUntil: 150,
  loneWorth: 0.5,
  roundTrips: 1.2,
  roundTripQuantile: 0.9,
  stepDelay: 250,
  everyoneAfter: 15_000,
  halfLife: 30 * 60_000,
  blockWorth: 1,
  haveWorth: 0.5,
  maxScores: 4096,
  saveInterval: 60_000
})


function checkSteps (steps: readonly number[]): readonly number[] {
  if (!Array.isArray(steps) || steps.length === 0) throw new RangeError('steps must be a non-empty array')
  steps.forEach((n, i) => {
    if (n !== Infinity || i !== steps.length - 1) requireInteger(`steps[${i}]`, n, 1)
    if (i > 0 && n <= steps[i - 1]) throw new RangeError(`steps must increase, got ${steps[i - 1]} then ${n}`)
  })
  return Object.freeze([...steps])
}

/**
 * Broadcasts first to at most `steps[0]` peers chosen by who answered the recent broadcasts (the fastest of the
 * peers that answer the same things, then those whose finds nobody picked answers, then those with too few finds to tell; see `coveringStep`), then widens in steps only while some want has had neither a HAVE nor its block, each
 * step about a round trip of the peers just asked after the one before (the step to everyone waits
 * `everyoneAfter`, so the provider search answers first). Usefulness is a score per peer that a block or HAVE
 * raises (once per broadcast begun, by its best answer: finds count, not blocks) and time decays, kept across
 * connections and, through `scoreStore`, across restarts. Until the peers it may ask hold `learnUntil` of score
 * between them, a first step asks them all, so a node that knows little learns every holder of what it
 * fetches. Peers with equal scores are taken in a fresh seeded random order. A peer that connects during a
 * broadcast hears it at once only if it has a score.
 */
export class AdaptiveBroadcast implements BroadcastPolicy {
  readonly name = 'adaptive-broadcast'
  private readonly options: Options
  private readonly scores: PeerScores
  private readonly credit: RoundCredit
  private readonly finds: FindHistory
  /** The last round trip a view showed for each peer that may answer: answers carry none. */
  private readonly roundTrips = new Map<PeerKey, number>()
  private saveTimer: Timer | undefined
  private readonly log: ReturnType<Components['logger']['forComponent']>

  constructor (private readonly clock: Clock, private readonly random: RandomSource, logger: Components['logger'], init: AdaptiveBroadcastInit = {}) {
    const options: Options = { ...ADAPTIVE_BROADCAST_DEFAULTS, ...init }
    options.steps = checkSteps(options.steps)
    requireNumber('firstShare', options.firstShare, Number.MIN_VALUE, 1)
    requireInteger('findMemory', options.findMemory, 1)
    requireInteger('redundantAfter', options.redundantAfter, 1)
    requireNumber('learnUntil', options.learnUntil, 0)
    requireNumber('loneWorth', options.loneWorth, 0, 1)
    requireNumber('roundTrips', options.roundTrips, 0)
    requireNumber('roundTripQuantile', options.roundTripQuantile, 0, 1)
    requireNumber('stepDelay', options.stepDelay, 0)
    requireNumber('everyoneAfter', options.everyoneAfter, 0)
    requireNumber('halfLife', options.halfLife, Number.MIN_VALUE)
    requireNumber('blockWorth', options.blockWorth, 0)
    requireNumber('haveWorth', options.haveWorth, 0)
    requireInteger('maxScores', options.maxScores, 1)
    requireNumber('saveInterval', options.saveInterval, 0)
    this.options = options
    this.scores = new PeerScores(options.halfLife, options.maxScores)
    this.credit = new RoundCredit(options.maxScores)
    this.finds = new FindHistory(options.findMemory)
    this.log = logger.forComponent('swapwright:strategies:adaptive-broadcast')
  }

  async start (): Promise<void> {
    const { scoreStore, saveInterval } = this.options
    if (scoreStore == null) return
    const saved = await scoreStore.get()
    if (Array.isArray(saved)) this.scores.load(saved)
    if (saveInterval > 0) this.saveTimer = this.clock.setInterval(() => { void this.save() }, saveInterval)
  }

  async stop (): Promise<void> {
    this.saveTimer?.cancel()
    this.saveTimer = undefined
    await this.save()
  }

  select (request: BroadcastRequest): BroadcastDecision {
    const { steps } = this.options
    if (request.step === 0) this.credit.nextRound()
    for (const view of request.peers) if (view.latencyMs !== undefined) this.roundTrips.set(view.peer, view.latencyMs)
    const step = Math.min(request.step, steps.length - 1)
    const last = step === steps.length - 1
    const size = steps[step] - (step > 0 ? steps[step - 1] : 0)
    if (step === 0 && this.learning(request)) {
      if (request.step === 0) this.finds.begin(request.now)
      return { peers: request.peers.map(view => view.peer) }
    }
    const decision = this.decide(request, step, last, size)
    if (request.step === 0) this.finds.begin(request.now, new Set(decision.peers))
    return decision
  }

  /** A step's peers once the policy ranks them (not learning). */
  private decide (request: BroadcastRequest, step: number, last: boolean, size: number): BroadcastDecision {
    const covering = step === 0 && !last ? this.coveringStep(request.peers, request.now, size) : undefined
    const ranked = covering !== undefined || (size >= request.peers.length && (step > 0 || last)) ? undefined : this.ranked(request.peers, request.now)
    const chosen = covering ?? (ranked === undefined
      ? [...request.peers]
      : (step === 0 && !last ? this.firstStep(ranked, size) : ranked.slice(0, size)).map(entry => entry.view))
    const peers = chosen.map(view => view.peer)
    if (last) return { peers }
    return { peers, widenAfterMs: this.delayAfter(step + 1, chosen, request) }
  }

  admit (peer: BroadcastPeerView): boolean {
    return this.scores.score(peer.peer, this.clock.now()) > 0
  }

  observe (answer: BroadcastAnswer): void {
    const worth = answer.type === 'block' ? this.options.blockWorth : answer.type === 'have' ? this.options.haveWorth : 0
    const credited = worth > 0 ? this.credit.claim(answer.peer, worth) : 0
    if (credited > 0) this.scores.add(answer.peer, credited, answer.at)
    // A HAVE comes a round trip after the broadcast it answers, a block at least two (HAVE, then WANT_BLOCK);
    // 0.8 of that leaves room for an estimate a little above the link's.
    const roundTrip = this.roundTrips.get(answer.peer) ?? this.options.stepDelay
    if (worth > 0) this.finds.add(answer.peer, answer.at, 0.8 * roundTrip * (answer.type === 'block' ? 2 : 1))
  }

  /** A peer's score now, for reports and tests. */
  scoreOf (peer: string): number {
    return this.scores.score(peer, this.clock.now())
  }

  /** Whether the peers of a first step hold too little score between them to rank them (see `learnUntil`). */
  private learning (request: BroadcastRequest): boolean {
    const { learnUntil } = this.options
    let total = 0
    for (const view of request.peers) {
      total += this.scores.score(view.peer, request.now)
      if (total >= learnUntil) return false
    }
    return true
  }

  /** Every peer with its score, best first; ties (above all, the many unknown peers) in a seeded random order. */
  private ranked (peers: readonly BroadcastPeerView[], now: number): Ranked[] {
    const ranked = peers.map(view => ({ view, score: this.scores.score(view.peer, now), tie: this.random.next() }))
    ranked.sort((a, b) => (b.score - a.score) || (a.tie - b.tie))
    return ranked
  }

  /**
   * The first step by the recent finds, greedily among the peers with `redundantAfter` finds or more: each pick
   * is the peer that adds most worth (a find is worth the ratio of its fastest askable answerer's round trip to
   * the fastest picked one's), then the peers with fewer (`unproven`), until the picks hold
   * `firstShare` of all the worth or `cap` peers; undefined when no find was answered by a peer it may ask.
   * Worth, not score, because holders overlap: the top providers each hold most of what the others hold, so
   * after the fastest few of them, the next one adds less than a peer of the next tier whose finds nobody
   * picked covers; and a find counts for its fastest answerer, so the fast ones among equals go first.
   */
  private coveringStep (peers: readonly BroadcastPeerView[], now: number, cap: number): BroadcastPeerView[] | undefined {
    const { halfLife, stepDelay } = this.options
    const views = new Map<PeerKey, BroadcastPeerView>()
    for (const view of peers) views.set(view.peer, view)
    const roundTrip = (view: BroadcastPeerView): number => Math.max(1, view.latencyMs ?? stepDelay)
    const weight: number[] = []
    const fastest: number[] = []
    const heldAt: number[] = []
    /** Who answered each find, and how many finds each peer answered. */
    const members: Array<ReadonlySet<PeerKey>> = []
    const findsOf = new Map<PeerKey, number>()
    const answered = new Map<BroadcastPeerView, number[]>()
    /**
     * Weight of the broadcasts kept (answered or not), of those that asked everyone, and of those each peer was
     * asked in or answered anyway (the provider search reaches peers a step left out).
     */
    let total = 0
    let everyoneWeight = 0
    const askedWeight = new Map<PeerKey, number>()
    const askedIn = (peer: PeerKey, w: number): void => { if (views.has(peer)) askedWeight.set(peer, (askedWeight.get(peer) ?? 0) + w) }
    for (const find of this.finds.kept()) {
      const w = 2 ** (-Math.max(0, now - find.at) / halfLife)
      total += w
      if (find.asked === undefined) everyoneWeight += w
      else {
        for (const peer of find.asked) askedIn(peer, w)
        for (const peer of find.peers) if (!find.asked.has(peer)) askedIn(peer, w)
      }
      if (find.peers.size === 0) continue
      for (const peer of find.peers) findsOf.set(peer, (findsOf.get(peer) ?? 0) + 1)
      let best = Infinity
      const index = weight.length
      for (const peer of find.peers) {
        const view = views.get(peer)
        if (view === undefined) continue
        best = Math.min(best, roundTrip(view))
        let list = answered.get(view)
        if (list === undefined) answered.set(view, list = [])
        list.push(index)
      }
      if (best === Infinity) continue
      weight.push(w)
      members.push(find.peers)
      fastest.push(best)
      heldAt.push(0)
    }
    if (weight.length === 0) return undefined
    /**
     * How much more a peer's gain over the broadcasts it was asked in is worth over all of them: a peer the
     * first steps left out answers only the floods (and the provider search), while the picks are asked every
     * time, so its bare count would keep a faster peer that holds as much out for good.
     */
    const chance = (peer: PeerKey): number => total / Math.max(Number.MIN_VALUE, everyoneWeight + (askedWeight.get(peer) ?? 0))
    const { firstShare, redundantAfter } = this.options
    const chosen: BroadcastPeerView[] = []
    while (chosen.length < cap) {
      let pick: BroadcastPeerView | undefined
      let most = 0
      for (const [view, finds] of answered) {
        if (finds.length < redundantAfter) continue // unproven: after the greedy picks, below
        const rtt = roundTrip(view)
        let gain = 0
        for (const i of finds) gain += weight[i] * Math.max(0, worthOf(fastest[i], rtt) - heldAt[i])
        // (a peer with nothing to gain stays at 0: its chance may be unbounded, and 0 × Infinity is no number)
        if (gain > 0) gain *= chance(view.peer)
        if (gain > most) {
          most = gain
          pick = view
        }
      }
      if (pick === undefined) break
      const rtt = roundTrip(pick)
      for (const i of answered.get(pick) ?? []) heldAt[i] = Math.max(heldAt[i], worthOf(fastest[i], rtt))
      answered.delete(pick)
      chosen.push(pick)
    }
    for (const view of this.unproven(answered, weight, (peer, i) => this.sharedFind(peer, members[i], findsOf, members.length), roundTrip)) {
      if (chosen.length >= cap) break
      chosen.push(view)
      answered.delete(view)
    }
    // What is left adds nothing to the past finds: the rest of the step goes by score, except to peers shown
    // redundant by `redundantAfter` finds or more, nearly all (`firstShare`) held as fast.
    const rest: Array<{ view: BroadcastPeerView, score: number }> = []
    for (const [view, finds] of answered) {
      const rtt = roundTrip(view)
      let all = 0
      let held = 0
      for (const i of finds) {
        all += weight[i]
        if (heldAt[i] >= worthOf(fastest[i], rtt)) held += weight[i]
      }
      if (finds.length >= redundantAfter && held >= firstShare * all) continue
      rest.push({ view, score: this.scores.score(view.peer, now) })
    }
    rest.sort((a, b) => b.score - a.score)
    for (const { view } of rest.slice(0, cap - chosen.length)) chosen.push(view)
    return chosen
  }

  /**
   * The peers with fewer than `redundantAfter` finds, most (recent) finds first, a find answered alone counting
   * `loneWorth` of one shared, then fastest. Too few finds
   * show nothing about whom a peer overlaps with: the two holders of a next-tier root answer the same find
   * once, yet each holds other roots than the other does, so the greedy picks' holding the one find must not
   * push the second below a peer that merely answered alone (a root of the long tail, found through the
   * provider search, which it is unlikely to repeat).
   */
  private unproven (answered: ReadonlyMap<BroadcastPeerView, readonly number[]>, weight: readonly number[], shared: (peer: PeerKey, find: number) => boolean, roundTrip: (view: BroadcastPeerView) => number): BroadcastPeerView[] {
    const { redundantAfter, loneWorth } = this.options
    const out: Array<{ view: BroadcastPeerView, worth: number, rtt: number }> = []
    for (const [view, finds] of answered) {
      if (finds.length < redundantAfter) out.push({ view, worth: finds.reduce((sum, i) => sum + weight[i] * (shared(view.peer, i) ? 1 : loneWorth), 0), rtt: roundTrip(view) })
    }
    // Worth in tenths of a find: the decay over a few minutes must not outrank speed among equal finds.
    out.sort((a, b) => (Math.round(10 * b.worth) - Math.round(10 * a.worth)) || (a.rtt - b.rtt))
    return out.map(entry => entry.view)
  }

  /**
   * Whether `peer` answered a find with another peer that is not a broad answerer (one that answered at least
   * a tenth of the recent finds, and `redundantAfter`): the second holder of a root of a provider tier. A find
   * it answered alone, or only with broad answerers (a late answer goes to the broadcast begun before it,
   * which a top provider may have answered), counts `loneWorth`.
   */
  private sharedFind (peer: PeerKey, answerers: ReadonlySet<PeerKey>, findsOf: ReadonlyMap<PeerKey, number>, finds: number): boolean {
    const broad = Math.max(this.options.redundantAfter, finds / 10)
    for (const other of answerers) if (other !== peer && (findsOf.get(other) ?? 0) < broad) return true
    return false
  }

  /**
   * The fewest best-scored peers holding `firstShare` of the score of all of them, at most `cap`; `cap`
   * unscored peers, in the seeded order, when none has a score (nothing to rank by, so it explores).
   */
  private firstStep (ranked: readonly Ranked[], cap: number): Ranked[] {
    let total = 0
    for (const entry of ranked) total += entry.score
    if (!(total > 0)) return ranked.slice(0, cap)
    const goal = total * this.options.firstShare
    let held = 0
    let count = 0
    while (count < ranked.length && count < cap && held < goal && ranked[count].score > 0) held += ranked[count++].score
    return ranked.slice(0, count)
  }

  /**
   * About a round trip of the peers just asked (the `roundTripQuantile` of theirs: their own round trips, not
   * the network's at large, since the best providers are who answers); the step to everyone waits for
   * `everyoneAfter`.
   */
  private delayAfter (next: number, asked: readonly BroadcastPeerView[], request: BroadcastRequest): number {
    const { steps, roundTrips, roundTripQuantile, stepDelay, everyoneAfter } = this.options
    const known = asked.flatMap(view => view.latencyMs === undefined ? [] : [view.latencyMs]).sort((a, b) => a - b)
    const at = Math.max(0, Math.ceil(roundTripQuantile * known.length) - 1) // nearest rank
    const roundTrip = known.length === 0 ? stepDelay : roundTrips * known[at]
    if (steps[next] !== Infinity) return Math.max(1, roundTrip)
    return Math.max(1, roundTrip, request.startedAt + everyoneAfter - request.now)
  }

  private async save (): Promise<void> {
    try {
      await this.options.scoreStore?.put(this.scores.snapshot())
    } catch (err) {
      // Scores are an optimisation: losing one save costs a slower start next time, never a fetch.
      this.log.error('saving scores failed: %s', errorMessage(err))
    }
  }
}

/** Ranked, decaying, widening broadcasts (see `AdaptiveBroadcast`). */
export function adaptiveBroadcast (init: AdaptiveBroadcastInit = {}): Plugin<BroadcastPolicy> {
  return factoryPlugin('adaptive-broadcast', components => new AdaptiveBroadcast(components.clock, components.random, components.logger, init))
}
