import { MemoryBlockstore } from '@swapwright/stores'
import type { AbortOptions } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

type Bytes = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>

interface Held {
  cid: CID
  multihash: Uint8Array
  bytes: Uint8Array
}

/**
 * A seed's memory blockstore with cheap lookups. A seed of a 300-node swarm answers tens of thousands of wants,
 * and the memory store names every lookup by a base32 string of the multihash; here a lookup reads four bytes
 * of the digest and compares the multihash, with no string made. It also tells a block's size without a read,
 * as core's `BlockSizes` lets a store. Blocks are found by multihash, as in the memory store.
 */
export class SeedBlockstore extends MemoryBlockstore {
  private readonly held = new Map<number, Held[]>()
  /** A block was put as chunks: only the memory store has it, so a miss here must ask there too. */
  private chunked = false

  /** A whole block is kept here only (the memory store would name it by a base32 string); chunks go there. */
  override put (key: CID, value: Bytes, options?: AbortOptions): CID | Promise<CID> {
    options?.signal?.throwIfAborted()
    if (!(value instanceof Uint8Array)) {
      this.chunked = true
      return super.put(key, value, options)
    }
    this.hold(key, value)
    return key
  }

  override async * getAll (options?: AbortOptions): ReturnType<MemoryBlockstore['getAll']> {
    for (const slot of this.held.values()) {
      for (const { cid, bytes } of slot) yield { cid, bytes: once(bytes) }
    }
    yield * super.getAll(options)
  }

  override has (key: CID, options?: AbortOptions): boolean | Promise<boolean> {
    return this.find(key) != null || (this.chunked && super.has(key, options))
  }

  override get (key: CID, options?: AbortOptions): ReturnType<MemoryBlockstore['get']> {
    const bytes = this.find(key)
    return bytes == null ? super.get(key, options) : once(bytes)
  }

  /** The block's size without reading it (see core's `BlockSizes`); undefined when it is not here. */
  async size (key: CID): Promise<number | undefined> {
    const bytes = this.find(key)
    if (bytes != null) return bytes.byteLength
    if (!this.chunked || !(await super.has(key))) return undefined
    let size = 0
    for await (const chunk of super.get(key)) size += chunk.byteLength
    return size
  }

  override async delete (key: CID, options?: AbortOptions): Promise<void> {
    const slot = this.held.get(tail(key.multihash.bytes))
    const at = slot?.findIndex(entry => sameBytes(entry.multihash, key.multihash.bytes)) ?? -1
    if (at >= 0) slot?.splice(at, 1)
    if (this.chunked) await super.delete(key, options)
  }

  private hold (cid: CID, bytes: Uint8Array): void {
    const multihash = cid.multihash.bytes
    const index = tail(multihash)
    const slot = this.held.get(index)
    if (slot == null) {
      this.held.set(index, [{ cid, multihash, bytes }])
      return
    }
    const at = slot.findIndex(entry => sameBytes(entry.multihash, multihash))
    if (at >= 0) slot[at] = { cid, multihash, bytes }
    else slot.push({ cid, multihash, bytes })
  }

  private find (key: CID): Uint8Array | undefined {
    const multihash = key.multihash.bytes
    const slot = this.held.get(tail(multihash))
    if (slot == null) return undefined
    for (const entry of slot) if (sameBytes(entry.multihash, multihash)) return entry.bytes
    return undefined
  }
}

function * once (bytes: Uint8Array): Generator<Uint8Array> {
  yield bytes
}

/** The last four bytes of a multihash (its digest's), as a number: spread enough to index a seed's blocks. */
function tail (bytes: Uint8Array): number {
  const n = bytes.byteLength
  if (n < 4) return n
  return ((bytes[n - 4] << 24) | (bytes[n - 3] << 16) | (bytes[n - 2] << 8) | bytes[n - 1]) >>> 0
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}
