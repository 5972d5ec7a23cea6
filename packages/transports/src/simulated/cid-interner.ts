import { equals } from 'multiformats/bytes'
import { CID } from 'multiformats/cid'

/** Default `limit`: distinct CIDs an interner holds before it starts over. */
export const DEFAULT_INTERNED_CIDS = 65536

/**
 * One CID object per distinct CID among the messages a simulated network decodes. Every node names a CID by a key
 * that core caches per CID object; a fresh object per decoded want or presence made each receiver build that key
 * again (a hex string of the multihash) for CIDs the network had carried hundreds of times, as 300 seeds answering
 * one broadcast with HAVEs for the same blocks. Two CIDs with equal bytes are the same CID, so handing every
 * receiver the first object decoded for them changes nothing a node can see but the cost.
 *
 * Found by the last four bytes (of a hash digest, as good as random) and compared whole. At `limit` distinct CIDs
 * it forgets them all and starts over: a long run over ever new content keeps a bounded table.
 */
export class CidInterner {
  private readonly byTail = new Map<number, CID[]>()
  private size = 0

  constructor (private readonly limit = DEFAULT_INTERNED_CIDS) {
    if (!(Number.isSafeInteger(limit) && limit >= 0)) throw new RangeError(`limit must be a whole number >= 0, got ${limit}`)
  }

  /** The object held for `cid`'s bytes: the first CID seen with them (on a copy of its bytes when they were a view). */
  intern (cid: CID): CID {
    if (this.limit === 0) return cid
    const bytes = cid.bytes
    const n = bytes.byteLength
    const tail = n < 4 ? n : (bytes[n - 4] * 0x1000000) + (bytes[n - 3] << 16) + (bytes[n - 2] << 8) + bytes[n - 1]
    let bucket = this.byTail.get(tail)
    if (bucket != null) {
      for (const held of bucket) if (equals(held.bytes, bytes)) return held
    }
    if (this.size >= this.limit) {
      this.byTail.clear()
      this.size = 0
      bucket = undefined
    }
    // A decoded CID views the buffer of the message it came in: held on its own bytes, it keeps no message alive.
    const own = bytes.byteLength === bytes.buffer.byteLength ? cid : CID.decode(bytes.slice())
    if (bucket == null) this.byTail.set(tail, [own])
    else bucket.push(own)
    this.size++
    return own
  }
}
