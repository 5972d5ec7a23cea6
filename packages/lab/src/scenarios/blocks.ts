import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { hashString } from '@swapwright/transports'

export interface LabBlock {
  cid: CID
  bytes: Uint8Array
}

export interface BlockSetSpec {
  count: number
  /** Bytes of every block but the root. */
  size: number
  /** Bytes of block 0, the root of the file (0: block 0 is as large as the rest). */
  rootSize: number
}

/**
 * Fills `bytes` with a fast deterministic stream (xorshift32) seeded by `seed`. The contents only have to be
 * distinct per block and repeatable; the seeded generator of core would be about ten times slower, which
 * matters for the 256 MB of the datacenter scenarios.
 */
function fill (bytes: Uint8Array, seed: number): void {
  let state = seed === 0 ? 0x9e3779b9 : seed >>> 0
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2)
  for (let i = 0; i < words.length; i++) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    words[i] = state >>> 0
  }
  for (let i = words.length * 4; i < bytes.byteLength; i++) bytes[i] = i & 0xff
}

async function generate ({ count, size, rootSize }: BlockSetSpec): Promise<LabBlock[]> {
  const blocks: LabBlock[] = []
  for (let i = 0; i < count; i++) {
    const bytes = new Uint8Array(i === 0 && rootSize > 0 ? rootSize : size)
    fill(bytes, hashString(`block ${i}`))
    blocks.push({ cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes })
  }
  return blocks
}

/** Block sets kept between runs: every strategy and seed of a scenario fetches the same blocks. */
const cache = new Map<string, Promise<LabBlock[]>>()
/** The datacenter sets are 256 MB: keep only the sets in use, not every one a long matrix touched. */
const CACHED_SETS = 2

/**
 * The blocks of a scenario: `count` blocks of `size` bytes with distinct, repeatable contents, block 0
 * replaced by a smaller root as in the Go benchmarks. Raw leaves under CIDv1 and SHA-256.
 */
export async function blockSet (spec: BlockSetSpec): Promise<LabBlock[]> {
  const key = `${spec.count}/${spec.size}/${spec.rootSize}`
  let blocks = cache.get(key)
  if (blocks == null) {
    blocks = generate(spec)
    cache.set(key, blocks)
    while (cache.size > CACHED_SETS) cache.delete(cache.keys().next().value as string)
  } else {
    // most recently used last, so the oldest set is the one dropped
    cache.delete(key)
    cache.set(key, blocks)
  }
  return blocks
}
