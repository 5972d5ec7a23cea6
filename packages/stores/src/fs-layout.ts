import { randomBytes } from 'node:crypto'
import { base32upper } from 'multiformats/bases/base32'
import * as Digest from 'multiformats/hashes/digest'
import type { MultihashDigest } from 'multiformats/hashes/interface'

/**
 * Where a block lives on disk: `<root>/<shard>/<NAME>.data`, NAME being the block's multihash in upper-case
 * base32 without a multibase prefix. Keying by multihash (not CID) lets CIDv0 and CIDv1 of one block share a
 * file, as in blockstore-core.
 *
 * The shard is the two characters before the last one. Not the last two: a 34-byte sha2-256 multihash is 272
 * bits, so its final base32 character carries only 2 bits (4 values) and "last two" would give 128 directories
 * instead of 1024.
 */
export const BLOCK_EXTENSION = '.data'
const TEMP_EXTENSION = '.tmp'
const SHARD_LENGTH = 2
const BLOCK_NAME = /^[A-Z2-7]+\.data$/
const SHARD_NAME = /^[A-Z2-7]{2}$/

export function blockFileName (multihash: Uint8Array): string {
  return base32upper.baseEncode(multihash) + BLOCK_EXTENSION
}

/**
 * The shard of the block whose multihash is `multihash`, as `shardOf(blockFileName(multihash))` names it, read
 * straight from the bits those two base32 characters stand for: a fresh fetch asks the store about every block it
 * wants, and building the whole file name (a base32 string and two path joins) for each only to learn its shard
 * was most of the store's garbage during a fetch.
 */
export function shardOfMultihash (multihash: Uint8Array): string {
  const characters = Math.ceil(multihash.byteLength * 8 / 5)
  if (characters < SHARD_LENGTH + 1) return shardOf(blockFileName(multihash))
  return BASE32_UPPER[base32Digit(multihash, characters - 3)] + BASE32_UPPER[base32Digit(multihash, characters - 2)]
}

const BASE32_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** The `index`th 5-bit group of `bytes` (big-endian, zero bits past the end), as base32 encodes it. */
function base32Digit (bytes: Uint8Array, index: number): number {
  const bit = index * 5
  const at = bit >> 3
  const window = (bytes[at] << 8) | (at + 1 < bytes.byteLength ? bytes[at + 1] : 0)
  return (window >> (11 - (bit & 7))) & 31
}

export function shardOf (fileName: string): string {
  const key = fileName.slice(0, fileName.length - BLOCK_EXTENSION.length)
  return key.slice(-SHARD_LENGTH - 1, -1).padStart(SHARD_LENGTH, '_')
}

export function isShardName (name: string): boolean {
  return SHARD_NAME.test(name)
}

/** The digest a block file holds, or undefined for anything that is not a well-formed block file name. */
export function digestOfFileName (fileName: string): MultihashDigest<number> | undefined {
  if (!BLOCK_NAME.test(fileName)) return undefined
  try {
    return Digest.decode(base32upper.baseDecode(fileName.slice(0, -BLOCK_EXTENSION.length)))
  } catch {
    return undefined
  }
}

/**
 * A source of fresh temp names beside the final file: `.<final name>.<tag><count>.tmp`. Unique per write, so two
 * writers of the same block never share a temp file (sharing one lets the second writer's truncation corrupt the
 * first writer's file after its rename): the count separates the writes of one store, the random tag, drawn once
 * per store, those of two stores or processes. A counter rather than random bytes per write keeps a crypto call
 * off every put. Dot-prefixed and `.tmp`-suffixed, so a temp file can never be mistaken for a block.
 */
export function tempNamer (): (finalName: string) => string {
  const tag = randomBytes(6).toString('hex')
  let count = 0
  return finalName => `.${finalName}.${tag}${(count++).toString(36)}${TEMP_EXTENSION}`
}

export function isTempFileName (name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_EXTENSION)
}
