/**
 * Blocks live in any `interface-blockstore` store, unchanged: every `blockstore-*` package plugs straight in.
 */
export type { Blockstore } from 'interface-blockstore'
