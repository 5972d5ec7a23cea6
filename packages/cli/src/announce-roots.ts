import { ProvideQueue } from '@swapwright/transports'
import type { Output } from './output.js'
import type { KadDHT } from '@libp2p/kad-dht'
import type { CID } from 'multiformats/cid'

/** Root announcements running at once; the rest wait their turn. */
export const PROVIDE_WORKERS = 4

/**
 * Announces each root CID on the DHT, in the background, and reports each one as it lands ("provided", with
 * the number of DHT peers now holding the record besides this node) or fails ("provide-failed"). Only roots:
 * a fetcher looks up the root it was given, and the peers it finds serve the blocks under it, so a record per
 * block would cost a DHT walk each for nothing. The DHT re-announces them before the records expire.
 */
export function announceRoots (dht: KadDHT, roots: CID[], output: Output): { stop: () => void } {
  const queue = new ProvideQueue(async (cid, options) => {
    const told = new Set<string>()
    for await (const event of dht.provide(cid, options)) {
      if (event.name === 'PEER_RESPONSE' && event.messageName === 'ADD_PROVIDER') told.add(event.from.toString())
    }
    output.event('provided', { cid: cid.toString(), peers: told.size }, `announced ${cid} on the DHT (record sent to ${told.size} peers)`)
  }, { workers: PROVIDE_WORKERS, maxQueued: Math.max(1, roots.length) })
  let stopped = false
  for (const cid of roots) {
    queue.provide(cid).catch((err: Error) => {
      if (!stopped) output.event('provide-failed', { cid: cid.toString(), message: err.message }, `announcing ${cid} on the DHT failed: ${err.message}`)
    })
  }
  return {
    stop: () => {
      stopped = true
      queue.stop()
    }
  }
}
