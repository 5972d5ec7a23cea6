import { factoryPlugin, type BroadcastDecision, type BroadcastPeerView, type BroadcastPolicy, type BroadcastRequest, type Plugin, type RandomSource } from '@swapwright/core'
import { requireInteger } from '../util/check-init.js'
import { shuffle } from '../util/shuffle.js'

/** boxo's `BroadcastControl` options (Kubo's `Internal.Bitswap.BroadcastControl`), under the same names. */
export interface BoxoBroadcastControlInit {
  /**
   * Most peers one broadcast reaches: -1 for no limit, 0 for no broadcasts at all (boxo's meaning; Kubo's
   * config text says 0 is "no limit", which is not what boxo does). Default -1.
   */
  maxPeers?: number
  /** Apply the rule to peers on loopback or private addresses too; false (the default) always asks them. */
  localPeers?: boolean
  /** Apply the rule to peered peers too; false (the default) always asks them. */
  peeredPeers?: boolean
  /** Peers outside the rule asked anyway, picked at random, per broadcast. Default 0. */
  maxRandomPeers?: number
  /** Also ask peers that have a message waiting to go out (the broadcast rides along). Default false. */
  sendToPendingPeers?: boolean
}

/** Kubo's defaults since 0.36 (broadcast control on). */
export const BOXO_BROADCAST_CONTROL_DEFAULTS: Required<BoxoBroadcastControlInit> = Object.freeze({
  maxPeers: -1,
  localPeers: false,
  peeredPeers: false,
  maxRandomPeers: 0,
  sendToPendingPeers: false
})

/**
 * boxo's broadcast control (v0.32, on in Kubo since 0.36): a peer hears broadcasts once it has sent us a block
 * or a HAVE on its current connection, or when it is local or peered (unless those flags bring them under the
 * rule), or has a message pending (when asked to); others only as one of `maxRandomPeers` random picks. The
 * memory is an unranked set that lasts one connection (the node's peer history), and a broadcast is one step.
 * As in boxo, a peer that connects while broadcast wants are live hears them all (unless broadcasts are off).
 */
export class BoxoBroadcastControl implements BroadcastPolicy {
  readonly name = 'boxo-broadcast-control'
  private readonly options: Required<BoxoBroadcastControlInit>

  constructor (private readonly random: RandomSource, init: BoxoBroadcastControlInit = {}) {
    const options = { ...BOXO_BROADCAST_CONTROL_DEFAULTS, ...init }
    requireInteger('maxPeers', options.maxPeers, -1)
    requireInteger('maxRandomPeers', options.maxRandomPeers, 0)
    this.options = options
  }

  select (request: BroadcastRequest): BroadcastDecision {
    const { maxPeers, maxRandomPeers } = this.options
    if (maxPeers === 0) return { peers: [] }
    const targets: BroadcastPeerView[] = []
    const others: BroadcastPeerView[] = []
    for (const view of request.peers) (this.isTarget(view) ? targets : others).push(view)
    // boxo walks its peers in map order, which is random: with a cap, which targets are reached is luck.
    const chosen = maxPeers > 0 ? shuffle(targets, this.random) : targets
    if (maxRandomPeers > 0) chosen.push(...shuffle(others, this.random).slice(0, maxRandomPeers))
    const peers = chosen.map(view => view.peer)
    return { peers: maxPeers > 0 ? peers.slice(0, maxPeers) : peers }
  }

  admit (): boolean {
    return this.options.maxPeers !== 0
  }

  private isTarget (view: BroadcastPeerView): boolean {
    const { localPeers, peeredPeers, sendToPendingPeers } = this.options
    return view.blocksReceived > 0 || view.havesReceived > 0 ||
      (!localPeers && view.local) ||
      (!peeredPeers && view.peered) ||
      (sendToPendingPeers && view.pending)
  }
}

/** boxo's broadcast control with the given options (default: Kubo's). */
export function boxoBroadcastControl (init: BoxoBroadcastControlInit = {}): Plugin<BroadcastPolicy> {
  return factoryPlugin('boxo-broadcast-control', components => new BoxoBroadcastControl(components.random, init))
}
