/**
 * @packageDocumentation
 * Swapwright's policies: the Go defaults, the 2019 Go design, and alternatives for comparison, each a plugin for
 * one slot of `createBitswap()`, plus the presets that fill all three policy slots at once.
 */
export * from './presets.js'

export * from './request-splitter/optimistic-request-splitter.js'
export * from './request-splitter/adaptive-request-splitter.js'
export * from './request-splitter/broadcast-request-splitter.js'

export * from './peer-selector/presence-peer-selector.js'
export * from './peer-selector/latency-peer-selector.js'
export * from './peer-selector/random-peer-selector.js'

export * from './decision-strategy/fair-decision-strategy.js'
export * from './decision-strategy/active-work-decision-strategy.js'
export * from './decision-strategy/priority-decision-strategy.js'
export * from './decision-strategy/reciprocity-decision-strategy.js'

export * from './broadcast-policy/broadcast-all.js'
export * from './broadcast-policy/boxo-broadcast-control.js'
export * from './broadcast-policy/adaptive-broadcast.js'
export * from './broadcast-policy/score-store.js'

// building blocks for hand-written strategies
export { BaseDecisionStrategy, type WantHaveInit } from './decision-strategy/base-decision-strategy.js'
export { evictByPriority } from './decision-strategy/priority-eviction.js'
export { compareTasksByPriority } from './decision-strategy/task-order.js'
export { SaltedPeerOrder } from './util/salted-hash.js'
export { shuffle } from './util/shuffle.js'
export { weightedOrder } from './util/weighted-order.js'
