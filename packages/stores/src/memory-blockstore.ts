import { MemoryBlockstore } from 'blockstore-core/memory'
import type { Blockstore } from 'interface-blockstore'

export { MemoryBlockstore }

/** Blocks in a Map in memory (blockstore-core's well-tested store): the default, and for tests and simulations. */
export function memoryBlockstore (): Blockstore {
  return new MemoryBlockstore()
}
