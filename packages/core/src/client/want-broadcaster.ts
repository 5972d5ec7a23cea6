import { blockKey } from '../wire/prefix.js'
import type { PeerHistory } from './peer-history.js'
import type { WantManager } from './want-manager.js'
import type { BroadcastPeerView, BroadcastPolicy } from '../interfaces/broadcast-policy.js'
import type { Clock, Timer } from '../interfaces/clock.js'
import type { BitswapNetwork } from '../interfaces/network.js'
import type { PeerKey } from '../types.js'
import type { CID } from 'multiformats/cid'

export interface WantBroadcasterInit {
  /** The guarded policy. */
  policy: BroadcastPolicy
  clock: Clock
  wantManager: WantManager
  history: PeerHistory
  network: Pick<BitswapNetwork, 'latency' | 'standing'>
}

/** One broadcast of a session's wants, step by step, while the policy widens it. */
interface Broadcast {
  cids: CID[]
  /** Block keys of its wants some peer said HAVE to: found, so no further step asks about them. */
  readonly found: Set<string>
  step: number
  readonly startedAt: number
  /** The session's own peers (live): the request splitter asks them, a broadcast does not. */
  readonly except: ReadonlySet<PeerKey> | undefined
}

/**
 * Where a session's broadcast of WANT_HAVEs meets the broadcast policy: for each step it shows the policy the
 * connected peers not asked yet, offers the wants to the peers it picks, and takes the next step on the node's
 * clock when the policy asks to widen. A want already under a broadcast that is still widening is left to it.
 */
export class WantBroadcaster {
  private readonly init: WantBroadcasterInit
  /** Broadcasts still widening, by the block keys of their wants. */
  private readonly widening = new Map<string, Broadcast>()
  private readonly timers = new Set<Timer>()

  constructor (init: WantBroadcasterInit) {
    this.init = init
  }

  broadcast (cids: readonly CID[], except?: ReadonlySet<PeerKey>): void {
    const fresh = cids.filter(cid => !this.widening.has(blockKey(cid)))
    if (fresh.length > 0) this.take({ cids: fresh, found: new Set(), step: 0, startedAt: this.init.clock.now(), except })
  }

  /** A peer said HAVE: the want is found, and a broadcast still widening stops asking about it. */
  heardHave (cid: CID): void {
    const key = blockKey(cid)
    const broadcast = this.widening.get(key)
    if (broadcast == null) return
    this.widening.delete(key)
    broadcast.found.add(key)
  }

  /** Whether a peer that just connected hears the live broadcast wants. */
  admits (peer: PeerKey): boolean {
    return this.init.policy.admit(this.view(peer, this.init.clock.now()))
  }

  stop (): void {
    for (const timer of this.timers) timer.cancel()
    this.timers.clear()
    this.widening.clear()
  }

  private take (broadcast: Broadcast): void {
    const { wantManager, clock, policy } = this.init
    const live = broadcast.cids.filter(cid => wantManager.isBroadcastWant(cid) && !broadcast.found.has(blockKey(cid)))
    this.forget(broadcast)
    if (live.length === 0) return
    broadcast.cids = live
    const now = clock.now()
    const candidates: BroadcastPeerView[] = []
    for (const peer of wantManager.connectedPeers()) {
      if (broadcast.except?.has(peer) !== true && !wantManager.askedAll(peer, live)) candidates.push(this.view(peer, now))
    }
    const decision = policy.select(Object.freeze({
      cids: Object.freeze([...live]), step: broadcast.step, startedAt: broadcast.startedAt, now, peers: Object.freeze(candidates)
    }))
    const allowed = new Set(candidates.map(view => view.peer))
    let asked = 0
    for (const peer of decision.peers) {
      if (!allowed.delete(peer)) continue
      wantManager.offerHaves(peer, live)
      asked++
    }
    const after = decision.widenAfterMs
    if (typeof after !== 'number' || !(after > 0) || !Number.isFinite(after) || asked === candidates.length) return
    for (const cid of live) this.widening.set(blockKey(cid), broadcast)
    const timer = clock.setTimeout(() => {
      this.timers.delete(timer)
      broadcast.step++
      this.take(broadcast)
    }, after)
    this.timers.add(timer)
  }

  private forget (broadcast: Broadcast): void {
    for (const cid of broadcast.cids) {
      const key = blockKey(cid)
      if (this.widening.get(key) === broadcast) this.widening.delete(key)
    }
  }

  private view (peer: PeerKey, now: number): BroadcastPeerView {
    const { network, wantManager, history } = this.init
    return history.view(peer, now, {
      standing: network.standing?.(peer),
      pending: wantManager.queue(peer)?.hasPending === true,
      latencyMs: network.latency(peer)
    })
  }
}
