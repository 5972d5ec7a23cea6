import { MemoryBlockstore } from '@swapwright/stores'

/**
 * A seed's blockstore in a lab swarm. The memory store itself now does what seeds needed of their own store:
 * lookups that make no string, and sizes told without a read (core's `BlockSizes`), so a seed answering tens
 * of thousands of wants is no longer held back by naming each lookup. The name stays so a swarm says what its
 * seeds hold.
 */
export class SeedBlockstore extends MemoryBlockstore {}
