import { valuePlugin, type Plugin } from './plugin.js'
import type { Blockstore } from './interfaces/blockstore.js'

/** Any `interface-blockstore` store as the node's blockstore plugin. */
export function blockstorePlugin (store: Blockstore, name = store.constructor?.name ?? 'blockstore'): Plugin<Blockstore> {
  return valuePlugin(name, store)
}
