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

/**
 * What a store may add so that a fetch cannot outrun its disk: how many writes wait for their turn, and a
 * promise that resolves once none does. The fs store reports it. The node does not stop reading from the
 * network while writes wait: a peer whose replies go unread may give up on them and drop the blocks (Kubo does),
 * so the place to act on this is how much a session asks for.
 */
export interface WriteBackPressure {
  readonly queuedWrites: number
  writable(): Promise<void>
}

/** True when `store` reports write back-pressure (see WriteBackPressure). */
export function hasWriteBackPressure<T extends object> (store: T): store is T & WriteBackPressure {
  return typeof (store as Partial<WriteBackPressure>).writable === 'function' && typeof (store as Partial<WriteBackPressure>).queuedWrites === 'number'
}
