import { BaseBlockstore } from 'blockstore-core/base'
import { NotFoundError } from 'interface-store'
import { collectChunks, type AbortOptions } from '@swapwright/core'
import type { Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

type Bytes = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>

interface Held {
  cid: CID
  multihash: Uint8Array
  bytes: Uint8Array
}

/**
 * Blocks in memory, found by multihash as `interface-blockstore` asks (a CIDv0 and its CIDv1 twin name one
 * block). The default store, and for tests, simulations and seeds. A lookup makes no string: blocks sit in
 * buckets by the last four bytes of their multihash (a digest's, so well spread) and a lookup compares the
 * multihash bytes. A store that names each block by an encoded string pays an encoding per `has`, `get` and
 * `put`, and a server asked for a block calls two of them: with 1 KiB blocks that was several per cent of a
 * seed's CPU. It also tells a block's size without a read (core's `BlockSizes`), so the server needs no size
 * cache in front of it.
 */
export class MemoryBlockstore extends BaseBlockstore {
  /** One block per bucket nearly always; an array only when two multihashes end alike. */
  private readonly held = new Map<number, Held | Held[]>()

  override put (key: CID, value: Bytes, options?: AbortOptions): CID | Promise<CID> {
    options?.signal?.throwIfAborted()
    if (value instanceof Uint8Array) {
      this.hold(key, value)
      return key
    }
    const bytes = collectChunks(value, options)
    if (bytes instanceof Uint8Array) {
      this.hold(key, bytes)
      return key
    }
    return bytes.then(whole => {
      this.hold(key, whole)
      return key
    })
  }

  override has (key: CID, options?: AbortOptions): boolean | Promise<boolean> {
    options?.signal?.throwIfAborted()
    return this.find(key) != null
  }

  override get (key: CID, options?: AbortOptions): Generator<Uint8Array> | AsyncGenerator<Uint8Array> {
    return this.read(key, options)
  }

  /** Throws (a missing block, an abort) when iterated, as `get` does in every store. */
  private * read (key: CID, options?: AbortOptions): Generator<Uint8Array> {
    options?.signal?.throwIfAborted()
    const held = this.find(key)
    if (held == null) throw new NotFoundError()
    yield held.bytes
  }

  /** The block's size without reading it (see core's `BlockSizes`); undefined when it is not here. */
  async size (key: CID, options?: AbortOptions): Promise<number | undefined> {
    options?.signal?.throwIfAborted()
    return this.find(key)?.bytes.byteLength
  }

  override async delete (key: CID, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    const index = tail(key.multihash.bytes)
    const slot = this.held.get(index)
    if (slot == null) return
    if (!Array.isArray(slot)) {
      if (sameBytes(slot.multihash, key.multihash.bytes)) this.held.delete(index)
      return
    }
    const at = slot.findIndex(entry => sameBytes(entry.multihash, key.multihash.bytes))
    if (at >= 0) slot.splice(at, 1)
    if (slot.length === 1) this.held.set(index, slot[0])
  }

  override getAll (options?: AbortOptions): Generator<Pair> | AsyncGenerator<Pair> {
    return this.all(options)
  }

  private * all (options?: AbortOptions): Generator<Pair> {
    options?.signal?.throwIfAborted()
    for (const slot of this.held.values()) {
      for (const { cid, bytes } of Array.isArray(slot) ? slot : [slot]) {
        yield { cid, bytes: once(bytes) }
        options?.signal?.throwIfAborted()
      }
    }
  }

  private hold (cid: CID, bytes: Uint8Array): void {
    const multihash = cid.multihash.bytes
    const index = tail(multihash)
    const entry = { cid, multihash, bytes }
    const slot = this.held.get(index)
    if (slot == null) {
      this.held.set(index, entry)
    } else if (!Array.isArray(slot)) {
      this.held.set(index, sameBytes(slot.multihash, multihash) ? entry : [slot, entry])
    } else {
      const at = slot.findIndex(held => sameBytes(held.multihash, multihash))
      if (at >= 0) slot[at] = entry
      else slot.push(entry)
    }
  }

  private find (key: CID): Held | undefined {
    const multihash = key.multihash.bytes
    const slot = this.held.get(tail(multihash))
    if (slot == null) return undefined
    if (!Array.isArray(slot)) return sameBytes(slot.multihash, multihash) ? slot : undefined
    for (const entry of slot) if (sameBytes(entry.multihash, multihash)) return entry
    return undefined
  }
}

/** Blocks in a Map in memory: the default, and for tests and simulations. */
export function memoryBlockstore (): MemoryBlockstore {
  return new MemoryBlockstore()
}

function * once (bytes: Uint8Array): Generator<Uint8Array> {
  yield bytes
}

/** The last four bytes of a multihash (its digest's), as a number: spread enough to index many blocks. */
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
