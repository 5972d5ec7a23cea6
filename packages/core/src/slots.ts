import { Tokens, type Token } from './tokens.js'
import type { Blockstore } from './interfaces/blockstore.js'
import type { Clock } from './interfaces/clock.js'
import type { DecisionStrategy } from './interfaces/decision-strategy.js'
import type { BitswapNetwork } from './interfaces/network.js'
import type { PeerSelector } from './interfaces/peer-selector.js'
import type { ProviderFinder } from './interfaces/provider-finder.js'
import type { RandomSource } from './interfaces/random.js'
import type { RequestSplitter } from './interfaces/request-splitter.js'
import type { Plugin } from './plugin.js'

/** The role each slot of a node holds. */
export interface Components {
  network: BitswapNetwork
  blockstore: Blockstore
  clock: Clock
  random: RandomSource
  providerFinder: ProviderFinder
  requestSplitter: RequestSplitter
  peerSelector: PeerSelector
  decisionStrategy: DecisionStrategy
}

export type SlotName = keyof Components

/** A plugin for each slot. */
export type SlotPlugins = { [K in SlotName]: Plugin<Components[K]> }

/** What a slot resolves through and what its plugin must provide. */
export interface SlotSpec {
  token: Token<unknown>
  /** Methods the resolved object must have; checked at start so a wrong plugin fails there, not mid-fetch. */
  methods: readonly string[]
}

/** The slots in resolution order: what others depend on comes first. */
export const SLOTS: { readonly [K in SlotName]: SlotSpec } = {
  clock: { token: Tokens.Clock, methods: ['now', 'setTimeout', 'setInterval', 'sleep'] },
  random: { token: Tokens.Random, methods: ['next'] },
  blockstore: { token: Tokens.Blockstore, methods: ['get', 'put', 'has', 'delete', 'getMany', 'putMany'] },
  network: {
    token: Tokens.Network,
    methods: ['start', 'stop', 'send', 'connect', 'disconnect', 'version', 'connectedPeers', 'latency', 'stats']
  },
  providerFinder: { token: Tokens.ProviderFinder, methods: ['findProviders', 'provide'] },
  requestSplitter: { token: Tokens.RequestSplitter, methods: ['forSession'] },
  peerSelector: { token: Tokens.PeerSelector, methods: ['forSession'] },
  decisionStrategy: { token: Tokens.DecisionStrategy, methods: ['comparePeers', 'compareTasks', 'answerWantHave', 'evict'] }
}

export const SLOT_NAMES = Object.keys(SLOTS) as SlotName[]
