/**
 * @packageDocumentation
 * Swapwright core: the contracts of every extension point, `createBitswap()` (the one composition root), the
 * node's public API, errors, clocks and the wire codec. The node's parts (sessions, queues, the decision engine)
 * are in `@swapwright/core/internal`, for tests and tools that reach inside a node.
 */
import 'reflect-metadata'

export type { PeerKey, ProtocolVersion, AbortOptions } from './types.js'
export * from './errors.js'
export * from './constants.js'
export * from './config.js'
export type { Components, Slots, SlotName } from './registry.js'
export { factoryPlugin, valuePlugin, type Plugin, type Startable, type SlotPlugins, type Preset } from './plugin.js'
export * from './create-bitswap.js'
export { Bitswap, type BitswapEvents, type NodeStats } from './bitswap.js'
export type { PolicyFailures, PolicySlot } from './guard/policy-guard.js'
export * from './random.js'
export * from './blockstore-plugin.js'
export * from './observe/index.js'

export type * from './interfaces/clock.js'
export type * from './interfaces/random.js'
export type * from './interfaces/blockstore.js'
export { hasBlockSizes, hasWriteBackPressure } from './interfaces/blockstore.js'
export { collectChunks } from './util/collect-chunks.js'
export type * from './interfaces/network.js'
export type * from './interfaces/provider-finder.js'
export type * from './interfaces/peer-selector.js'
export type * from './interfaces/request-splitter.js'
export type * from './interfaces/decision-strategy.js'
export type * from './interfaces/broadcast-policy.js'
export type * from './interfaces/session-feedback.js'

export * from './clock/system-clock.js'
export * from './clock/virtual-clock.js'
export * from './clock/plugins.js'
export * from './null/null-provider-finder.js'
export * from './null/null-broadcast-policy.js'
export * from './wire/index.js'
export * from './server/limits.js'

// What the node's methods take and return (the classes behind them are internal).
export type { ServerStats } from './server/decision-engine.js'
export type { ClientStats, WantOptions, WantProgressEvent, SessionOptions } from './client/client.js'
export type { Session, SessionStats } from './client/session.js'
export type { ProviderQueryStats } from './client/provider-query-manager.js'
