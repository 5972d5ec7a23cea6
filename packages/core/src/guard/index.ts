export { PolicyGuard, type PolicyFailures, type PolicySlot } from './policy-guard.js'
export { guardPeerSelector } from './guarded-selector.js'
export { guardRequestSplitter } from './guarded-splitter.js'
export { guardDecisionStrategy } from './guarded-strategy.js'
