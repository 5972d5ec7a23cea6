/**
 * @packageDocumentation
 * The parts of a Swapwright node, for tests, benchmarks and tools that reach inside one. Not a stable API: what
 * plugin authors and users need is in `@swapwright/core`.
 */
import 'reflect-metadata'
import type { Bitswap } from './bitswap.js'
import type { BitswapClient } from './client/client.js'
import type { DecisionEngine } from './server/decision-engine.js'

export { SLOTS, SLOT_NAMES, Tokens, GuardedTokens, type SlotSpec, type Token } from './registry.js'
export { pluginName } from './plugin.js'
export type { BitswapInit } from './bitswap.js'
export { PolicyGuard } from './guard/policy-guard.js'
export * from './server/decision-engine.js'
export { PeerTaskQueue, type TaskBatch, type PeerTaskQueueInit } from './server/peer-task-queue.js'
export type { PeerTracker } from './server/peer-tracker.js'
export type { Task, Reply } from './server/task.js'
export * from './client/client.js'
export { Session, type SessionStats } from './client/session.js'
export { ProviderQueryManager, type ProviderQueryStats } from './client/provider-query-manager.js'
export { DontHaveTimeoutManager, type DontHaveTimeoutManagerInit } from './client/dont-have-timeout-manager.js'
export { MessageQueue, type MessageQueueInit } from './client/message-queue.js'
export { WantManager, type QueueFactory } from './client/want-manager.js'
export { PeerRecords } from './util/peer-records.js'

/** A node's two halves. */
export interface NodeParts {
  client: BitswapClient
  server: DecisionEngine
}

/** The client and server inside a node, which its public API does not expose. */
export function nodeParts (node: Bitswap): NodeParts {
  // Bracket access reaches the private fields on purpose: this module is the node's one sanctioned back door.
  return { client: node['client'], server: node['server'] }
}
