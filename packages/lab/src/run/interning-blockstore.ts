import { MemoryBlockstore } from '@swapwright/stores'
import type { AbortOptions } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

type Bytes = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>

/** The key a block is interned under: its multihash, so a CIDv0 and a CIDv1 of the same bytes share it. */
export function internKey (cid: CID): string {
  return Buffer.from(cid.multihash.bytes).toString('base64')
}

/**
 * A memory blockstore for fetchers that keeps one copy of each block for the whole simulation: a block it is
 * given is replaced by the scenario's own copy of the same block. The client has already hashed the bytes
 * against the CID, so the two are equal; the only difference is memory. Three leeches of the datacenter
 * scenario would otherwise hold 768 MB of copies, plus the message buffers those copies point into.
 */
export class InterningBlockstore extends MemoryBlockstore {
  private readonly canonical: ReadonlyMap<string, Uint8Array>

  constructor (canonical: ReadonlyMap<string, Uint8Array>) {
    super()
    this.canonical = canonical
  }

  override put (key: CID, value: Bytes, options?: AbortOptions): CID | Promise<CID> {
    const known = this.canonical.get(internKey(key))
    if (known != null && value instanceof Uint8Array && value.byteLength === known.byteLength) return super.put(key, known, options)
    return super.put(key, value, options)
  }
}
