/**
 * @packageDocumentation
 * Swapwright core: the contracts (interfaces and DI tokens) of every extension point, the wire codec, the
 * clocks, and `createBitswap()`, the one composition root.
 */
import 'reflect-metadata'

export type { PeerKey, ProtocolVersion, AbortOptions } from './types.js'
export * from './errors.js'
export * from './constants.js'
export * from './config.js'
export * from './tokens.js'
export * from './plugin.js'
export * from './slots.js'
export type { Preset } from './default-plugins.js'
export * from './create-bitswap.js'
export * from './bitswap.js'
export * from './random.js'
export * from './blockstore-plugin.js'

export type * from './interfaces/clock.js'
export type * from './interfaces/random.js'
export type * from './interfaces/blockstore.js'
export type * from './interfaces/network.js'
export type * from './interfaces/provider-finder.js'
export type * from './interfaces/peer-selector.js'
export type * from './interfaces/request-splitter.js'
export type * from './interfaces/decision-strategy.js'
export type * from './interfaces/session-feedback.js'

export * from './clock/system-clock.js'
export * from './clock/virtual-clock.js'
export * from './clock/plugins.js'
export * from './null/null-provider-finder.js'
export * from './wire/index.js'
export * from './server/decision-engine.js'
export { PeerTaskQueue, type TaskBatch, type PeerTaskQueueInit } from './server/peer-task-queue.js'
export type { Task, Reply } from './server/task.js'
export * from './client/client.js'
export { Session, type SessionStats } from './client/session.js'
export { ProviderQueryManager, type ProviderQueryStats } from './client/provider-query-manager.js'
export { DontHaveTimeoutManager, type DontHaveTimeoutManagerInit } from './client/dont-have-timeout-manager.js'
export { MessageQueue, type MessageQueueInit } from './client/message-queue.js'
export { WantManager } from './client/want-manager.js'
