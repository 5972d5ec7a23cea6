/**
 * @packageDocumentation
 * Networks for Swapwright nodes. The simulated network runs many nodes in one process in virtual time.
 */
export * from './simulated/simulated-network.js'
export * from './simulated/simulated-node-network.js'
export * from './simulated/link.js'
export * from './simulated/sharing-decoder.js'
export * from './simulated/cid-interner.js'
export * from './simulated/sharing-encoder.js'
export * from './simulated/simulated-routing.js'
export * from './dht/dht-provider-finder.js'
export * from './dht/provide-queue.js'
export * from './libp2p/libp2p-network.js'
export * from './libp2p/components-host.js'
export * from './libp2p/bitswap-service.js'
export * from './libp2p/bitswap-metrics.js'
export * from './libp2p/constants.js'
export * from './libp2p/errors.js'
export type { Libp2pLinkStats } from './libp2p/traffic.js'
export * from './libp2p/limits.js'
export * from './libp2p/scope-logger.js'
