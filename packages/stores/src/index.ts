/**
 * @packageDocumentation
 * Blockstores for Swapwright. Every store follows `interface-blockstore`, so any `blockstore-*` package works too.
 */
export * from './memory-blockstore.js'
