/**
 * @packageDocumentation
 * Swapwright's Bitswap as a Helia block broker: `withSwapwright(createHelia())` replaces Helia's own Bitswap.
 */
export * from './with-swapwright.js'
export * from './block-broker.js'
export { SwapwrightSessionBroker, type SessionContext } from './session-broker.js'
export type { OnProgress } from './progress.js'
export * from './helia-routing.js'
export { HeliaBlockView } from './helia-blocks.js'
export type { HeliaProvider } from './providers.js'
export * from './errors.js'
