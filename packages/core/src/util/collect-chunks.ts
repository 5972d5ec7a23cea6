import { concat } from 'uint8arrays/concat'
import type { AbortOptions } from '../types.js'

/**
 * A block as one array, from the chunks an `interface-blockstore` store yields it in. One chunk (the common case) is
 * returned as it is, without a copy. A synchronous source is read synchronously and the answer is not a promise:
 * `for await` would cost a turn per chunk, and a store's synchronous `put` can stay synchronous. An abort while
 * reading ends it with the signal's reason and nothing gathered is kept.
 */
export function collectChunks (chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: AbortOptions): Uint8Array | Promise<Uint8Array> {
  const signal = options?.signal
  if (Symbol.iterator in chunks) {
    const parts: Uint8Array[] = []
    for (const chunk of chunks) parts.push(chunk)
    signal?.throwIfAborted()
    return joined(parts)
  }
  return (async () => {
    const parts: Uint8Array[] = []
    for await (const chunk of chunks) {
      signal?.throwIfAborted()
      parts.push(chunk)
    }
    signal?.throwIfAborted()
    return joined(parts)
  })()
}

function joined (parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0] : concat(parts)
}
