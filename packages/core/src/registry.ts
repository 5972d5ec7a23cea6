import type { ComponentLogger } from '@libp2p/logger'
import type { BitswapConfig } from './config.js'
import type { BroadcastPolicy } from './interfaces/broadcast-policy.js'
import type { Blockstore } from './interfaces/blockstore.js'
import type { Clock } from './interfaces/clock.js'
import type { DecisionStrategy } from './interfaces/decision-strategy.js'
import type { BitswapNetwork } from './interfaces/network.js'
import type { PeerSelector } from './interfaces/peer-selector.js'
import type { ProviderFinder } from './interfaces/provider-finder.js'
import type { RandomSource } from './interfaces/random.js'
import type { RequestSplitter } from './interfaces/request-splitter.js'

/** The role each slot of a node holds. */
export interface Slots {
  network: BitswapNetwork
  blockstore: Blockstore
  clock: Clock
  random: RandomSource
  providerFinder: ProviderFinder
  requestSplitter: RequestSplitter
  peerSelector: PeerSelector
  decisionStrategy: DecisionStrategy
  broadcastPolicy: BroadcastPolicy
}

export type SlotName = keyof Slots

/** What a plugin factory is given: the node's other components, and its settings. */
export interface Components extends Slots {
  /** The node's resolved limits and timings (`createBitswap`'s options over the defaults). */
  config: Readonly<BitswapConfig>
  /** Where the node's parts log: libp2p's per-component logger when the node runs in libp2p, else `@libp2p/logger`'s. */
  logger: ComponentLogger
}

/**
 * A DI token of core's container that remembers the role it stands for. Internal: plugin authors never see it.
 * `Symbol.for` values, so two installed copies of core still agree on them.
 */
export type Token<T> = symbol & { readonly __role?: T }

function token<T> (role: string): Token<T> {
  return Symbol.for(`@swapwright/core:${role}`) as Token<T>
}

/** Everything a slot means to the composition root. */
export interface SlotSpec<K extends SlotName> {
  /** Where core's own classes `@inject` the slot's object from. */
  token: Token<Slots[K]>
  /** The interface the slot's object implements, as shown in errors. */
  role: string
  /** Methods the object must have; checked at composition, so a wrong plugin fails there, not mid-fetch. */
  methods: ReadonlyArray<keyof Slots[K] & string>
  /** What to pass when the slot is left empty and core has no default for it. */
  hint: string
}

const POLICY_HINT = 'pass one, or a preset for all three policies: createBitswap({ network, blockstore, ...goDefaults() }) with goDefaults from @swapwright/strategies'

/**
 * The one registry of extension points: slot → token, role, required methods and what to do when it is empty.
 * Core's own defaults (the system clock, OS-seeded randomness, the null provider finder, the null broadcast policy) are in `create-bitswap.ts`;
 * every other slot must be given.
 */
export const SLOTS: { readonly [K in SlotName]: SlotSpec<K> } = {
  network: {
    token: token('network'),
    role: 'BitswapNetwork',
    methods: ['start', 'stop', 'send', 'connect', 'disconnect', 'version', 'connectedPeers', 'latency', 'stats'],
    hint: 'pass a BitswapNetwork plugin, such as the libp2p or the simulated network'
  },
  blockstore: {
    token: token('blockstore'),
    role: 'Blockstore',
    methods: ['get', 'put', 'has', 'delete', 'getMany', 'putMany'],
    hint: 'pass blockstorePlugin(store) with any interface-blockstore store, such as memoryBlockstore() from @swapwright/stores'
  },
  requestSplitter: { token: token('request-splitter'), role: 'RequestSplitter', methods: ['forSession'], hint: POLICY_HINT },
  peerSelector: { token: token('peer-selector'), role: 'PeerSelector', methods: ['forSession'], hint: POLICY_HINT },
  decisionStrategy: {
    token: token('decision-strategy'),
    role: 'DecisionStrategy',
    methods: ['comparePeers', 'compareTasks', 'answerWantHave', 'evict'],
    hint: POLICY_HINT
  },
  clock: { token: token('clock'), role: 'Clock', methods: ['now', 'setTimeout', 'setInterval', 'sleep'], hint: 'core defaults to the system clock' },
  random: { token: token('random'), role: 'RandomSource', methods: ['next'], hint: 'core defaults to OS-seeded randomness' },
  providerFinder: { token: token('provider-finder'), role: 'ProviderFinder', methods: ['findProviders', 'provide'], hint: 'core defaults to the null provider finder' },
  broadcastPolicy: {
    token: token('broadcast-policy'),
    role: 'BroadcastPolicy',
    methods: ['select', 'admit'],
    hint: 'core defaults to the null broadcast policy (every connected peer)'
  }
}

/** The slots in the order they are checked (the required ones first); objects are built as factories ask for them. */
export const SLOT_NAMES = Object.keys(SLOTS) as SlotName[]

/** The slots' tokens, by role name, for core's own classes. */
export const Tokens = {
  RequestSplitter: SLOTS.requestSplitter.token,
  PeerSelector: SLOTS.peerSelector.token,
  DecisionStrategy: SLOTS.decisionStrategy.token,
  Blockstore: SLOTS.blockstore.token,
  ProviderFinder: SLOTS.providerFinder.token,
  Network: SLOTS.network.token,
  Clock: SLOTS.clock.token,
  Random: SLOTS.random.token,
  BroadcastPolicy: SLOTS.broadcastPolicy.token,
  /** The node's resolved configuration (limits and timings). */
  Config: token<BitswapConfig>('config'),
  /** The node's per-component logger. */
  Logger: token<ComponentLogger>('logger')
} as const

/**
 * The policies as the node's own parts call them: the plugin wrapped by the policy guard, so a throw becomes a
 * counted, logged fallback. Plugins that depend on one another get the plugins as built (`Components`).
 */
export const GuardedTokens = {
  RequestSplitter: token<RequestSplitter>('guarded-request-splitter'),
  PeerSelector: token<PeerSelector>('guarded-peer-selector'),
  DecisionStrategy: token<DecisionStrategy>('guarded-decision-strategy'),
  BroadcastPolicy: token<BroadcastPolicy>('guarded-broadcast-policy')
} as const
