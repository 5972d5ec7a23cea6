import type { Blockstore } from './interfaces/blockstore.js'
import type { Clock } from './interfaces/clock.js'
import type { DecisionStrategy } from './interfaces/decision-strategy.js'
import type { BitswapNetwork } from './interfaces/network.js'
import type { PeerSelector } from './interfaces/peer-selector.js'
import type { ProviderFinder } from './interfaces/provider-finder.js'
import type { RandomSource } from './interfaces/random.js'
import type { RequestSplitter } from './interfaces/request-splitter.js'
import type { BitswapConfig } from './config.js'

/**
 * A DI token that remembers the role it stands for, so plugins and `resolve` stay typed. Tokens are
 * `Symbol.for` values: two installed copies of core still agree on them.
 */
export type Token<T> = symbol & { readonly __role?: T }

function token<T> (role: string): Token<T> {
  return Symbol.for(`@swapwright/core:${role}`) as Token<T>
}

/** Every extension point of a node, in one place. */
export const Tokens = {
  RequestSplitter: token<RequestSplitter>('request-splitter'),
  PeerSelector: token<PeerSelector>('peer-selector'),
  DecisionStrategy: token<DecisionStrategy>('decision-strategy'),
  Blockstore: token<Blockstore>('blockstore'),
  ProviderFinder: token<ProviderFinder>('provider-finder'),
  Network: token<BitswapNetwork>('network'),
  Clock: token<Clock>('clock'),
  Random: token<RandomSource>('random'),
  /** The node's resolved configuration (limits and timings). */
  Config: token<BitswapConfig>('config')
} as const

/**
 * The policies as the node's own parts call them: the plugin wrapped by the policy guard, so a throw becomes a
 * counted, logged fallback. `Tokens` keeps the plugins as given, for plugins that depend on one another.
 */
export const GuardedTokens = {
  RequestSplitter: token<RequestSplitter>('guarded-request-splitter'),
  PeerSelector: token<PeerSelector>('guarded-peer-selector'),
  DecisionStrategy: token<DecisionStrategy>('guarded-decision-strategy')
} as const
