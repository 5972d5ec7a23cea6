import { factoryPlugin, type BroadcastDecision, type BroadcastPeerView, type BroadcastPolicy, type BroadcastRequest, type PeerKey, type Plugin } from '@swapwright/core'
import { goDefaults, type StrategyPreset } from '@swapwright/strategies'
import type { Placement, PlacedRoot } from '../run/mainnet-placement.js'
import type { MainnetLikeScenario } from '../scenarios/mainnet-like.js'

/** Places of the bound's one step: what `adaptiveBroadcast` asks per root, so both cost the same. */
const PLACES = 20
/** Top providers the bound asks, the fastest: six of the ten hold each top root, so the fastest three nearly always hold its fastest holder. */
const TOP_PLACES = 3

/** Past any MainnetLike root's deadline (10 s), as `adaptiveBroadcast`'s step to everyone (15 s). */
const WIDEN_NEVER = 15_000

/**
 * A first step no real policy can take: it knows which connected peers are the placement's top providers and
 * which are of ranks 10–49 (the next tier, two holders a root), though not who holds which root, and asks the
 * fastest `TOP_PLACES` of the first and the fastest of the second up to `PLACES`, in one step that never widens.
 * It shows about the best a 20-peer first step can do on MainnetLike by knowing the tiers, which a policy
 * learning from answers only approaches; it asks none of the far peers the warm-up connected, so such a
 * policy can beat it where their roots decide a run's median.
 */
class TierBoundBroadcast implements BroadcastPolicy {
  readonly name = 'tier-bound'

  constructor (private readonly top: ReadonlySet<PeerKey>, private readonly next: ReadonlySet<PeerKey>) {}

  select (request: BroadcastRequest): BroadcastDecision {
    if (request.step > 0) return { peers: [] }
    const fastest = (tier: ReadonlySet<PeerKey>): BroadcastPeerView[] => request.peers
      .filter(view => tier.has(view.peer))
      .sort((a, b) => (a.latencyMs ?? Infinity) - (b.latencyMs ?? Infinity))
    const top = fastest(this.top).slice(0, TOP_PLACES)
    const next = fastest(this.next).slice(0, PLACES - top.length)
    // Widening late (never, within a root's deadline) keeps the wants under this broadcast, as
    // `adaptiveBroadcast`'s step to everyone does: ended, a session's later rebroadcast would ask 20 more.
    return { peers: [...top, ...next].map(view => view.peer), widenAfterMs: WIDEN_NEVER }
  }

  admit (): boolean {
    return false
  }
}

/**
 * The Go defaults with the tier bound as their broadcast policy, for one run's placement. The tiers are read
 * from the holders (a top root has `top10Holders` holders, a next-tier one `top50Holders`), so a next-tier
 * peer that holds none of the run's roots is left out: the bound is the more favourable for it.
 */
export function tierBound (scenario: MainnetLikeScenario, placement: Placement): () => StrategyPreset {
  const top = new Set<PeerKey>()
  const next = new Set<PeerKey>()
  const roots: PlacedRoot[] = [...placement.warmup, ...placement.measured]
  for (const root of roots) {
    const far = root.holders.some(holder => !holder.startsWith('peer-'))
    if (far) continue
    if (root.holders.length === scenario.top10Holders) root.holders.forEach(h => top.add(h))
    else if (root.holders.length === scenario.top50Holders) root.holders.forEach(h => next.add(h))
  }
  const plugin: Plugin<BroadcastPolicy> = factoryPlugin('tier-bound', () => new TierBoundBroadcast(top, next))
  return () => ({ ...goDefaults(), broadcastPolicy: plugin })
}
