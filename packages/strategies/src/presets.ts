import { optimisticRequestSplitter } from './request-splitter/optimistic-request-splitter.js'
import { adaptiveRequestSplitter } from './request-splitter/adaptive-request-splitter.js'
import { presencePeerSelector } from './peer-selector/presence-peer-selector.js'
import { latencyPeerSelector } from './peer-selector/latency-peer-selector.js'
import { fairDecisionStrategy } from './decision-strategy/fair-decision-strategy.js'
import { activeWorkDecisionStrategy } from './decision-strategy/active-work-decision-strategy.js'
import type { SlotPlugins } from '@swapwright/core'

/** The three policy slots a preset fills: `createBitswap({ network, blockstore, ...goDefaults() })` (or `preset:`). */
export type StrategyPreset = Pick<SlotPlugins, 'requestSplitter' | 'peerSelector' | 'decisionStrategy'>

/**
 * Current Go Bitswap (protocol 1.2.0): optimistic WANT_BLOCK plus WANT_HAVEs, presence-based peer choice, the
 * fair server order. Core ships no policy of its own: spread this (or another preset) into `createBitswap()`.
 */
export function goDefaults (): StrategyPreset {
  return {
    requestSplitter: optimisticRequestSplitter(),
    peerSelector: presencePeerSelector(),
    decisionStrategy: fairDecisionStrategy()
  }
}

/** The 2019 Go design (protocol 1.1.0 era): adaptive split factor, latency-ranked peers, active-work order. */
export function go2019 (): StrategyPreset {
  return {
    requestSplitter: adaptiveRequestSplitter(),
    peerSelector: latencyPeerSelector(),
    decisionStrategy: activeWorkDecisionStrategy()
  }
}
