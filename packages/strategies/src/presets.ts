import { optimisticRequestSplitter } from './request-splitter/optimistic-request-splitter.js'
import { adaptiveRequestSplitter } from './request-splitter/adaptive-request-splitter.js'
import { presencePeerSelector } from './peer-selector/presence-peer-selector.js'
import { latencyPeerSelector } from './peer-selector/latency-peer-selector.js'
import { fairDecisionStrategy } from './decision-strategy/fair-decision-strategy.js'
import { activeWorkDecisionStrategy } from './decision-strategy/active-work-decision-strategy.js'
import { broadcastAll } from './broadcast-policy/broadcast-all.js'
import { boxoBroadcastControl } from './broadcast-policy/boxo-broadcast-control.js'
import type { SlotPlugins } from '@swapwright/core'

/**
 * The policy slots a preset fills: `createBitswap({ network, blockstore, ...goDefaults() })` (or `preset:`). The
 * broadcast policy is optional: core's default asks every connected peer, as `broadcastAll()` does.
 */
export type StrategyPreset = Pick<SlotPlugins, 'requestSplitter' | 'peerSelector' | 'decisionStrategy'> & Partial<Pick<SlotPlugins, 'broadcastPolicy'>>

/**
 * Current Go Bitswap (protocol 1.2.0): optimistic WANT_BLOCK plus WANT_HAVEs, presence-based peer choice, the
 * fair server order, broadcasts to every connected peer. Core ships no policy of its own: spread this (or
 * another preset) into `createBitswap()`.
 */
export function goDefaults (): StrategyPreset {
  return {
    requestSplitter: optimisticRequestSplitter(),
    peerSelector: presencePeerSelector(),
    decisionStrategy: fairDecisionStrategy(),
    broadcastPolicy: broadcastAll()
  }
}

/**
 * boxo's client as Kubo ships it since 0.36: the Go defaults with broadcast control on, under Kubo's options
 * (no peer cap, local and peered peers always asked, no random peers, no riding along pending messages).
 */
export function boxo2025 (): StrategyPreset {
  return { ...goDefaults(), broadcastPolicy: boxoBroadcastControl() }
}

/** The 2019 Go design (protocol 1.1.0 era): adaptive split factor, latency-ranked peers, active-work order. */
export function go2019 (): StrategyPreset {
  return {
    requestSplitter: adaptiveRequestSplitter(),
    peerSelector: latencyPeerSelector(),
    decisionStrategy: activeWorkDecisionStrategy()
  }
}
