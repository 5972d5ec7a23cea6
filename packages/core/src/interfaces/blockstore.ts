import type { AbortOptions } from '../types.js'
import type { CID } from 'multiformats/cid'

/**
 * Blocks live in any `interface-blockstore` store, unchanged: every `blockstore-*` package plugs straight in.
 */
export type { Blockstore } from 'interface-blockstore'

/**
 * What a store may add to `interface-blockstore`: a block's size without reading the block (a file's length,
 * say). The server needs the size of every block it is asked for before it sends any, so with this a block
 * on disk is read once, to be sent, instead of twice. Undefined means the store does not hold the block.
 */
export interface BlockSizes {
  size(key: CID, options?: AbortOptions): Promise<number | undefined>
}

/** True when `store` offers `size()` (see BlockSizes). */
export function hasBlockSizes<T extends object> (store: T): store is T & BlockSizes {
  return typeof (store as Partial<BlockSizes>).size === 'function'
}
