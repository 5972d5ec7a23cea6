import { hasWriteBackPressure, type Blockstore } from '../interfaces/blockstore.js'

/**
 * What a received message's intake waits on: `applied` (the server has taken the message in), and, when the
 * blockstore reports writes waiting for the disk, the moment none waits any more. The network reads no further
 * from the peer meanwhile, so a fetch slows to its disk's pace instead of piling received blocks up in memory.
 * A store without back-pressure, or one keeping up, costs nothing: `applied` is returned as it is.
 */
export function storeIntake (blockstore: Blockstore): (applied: Promise<void>) => Promise<void> {
  if (!hasWriteBackPressure(blockstore)) return applied => applied
  return async applied => {
    if (blockstore.queuedWrites === 0) return applied
    await Promise.all([applied, blockstore.writable()])
  }
}
