import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { commonHashers } from './hashers.js'
import { fromHex } from '../util/hex.js'
import { sha256HexNow } from '#sha256-hex'
import { BlockVerificationError, UnknownHashError } from '../errors.js'
import { decodePrefix, IDENTITY_CODE, SHA2_256_CODE, withBlockKey, type CidPrefix } from './prefix.js'
import type { BlockPayload } from './types.js'
import type { MultihashDigest, MultihashHasher } from 'multiformats/hashes/interface'

/**
 * The hash functions one node verifies blocks with, by multihash code, fixed when the node is built (its
 * `hashers` option). It also keeps the node's last decoded block prefix: nearly every block of a message shares
 * one, and keeping it here rather than in the module means nodes in one process share nothing.
 */
export class HasherRegistry {
  private readonly byCode = new Map<number, MultihashHasher>()
  private lastPrefixBytes: Uint8Array | undefined
  private lastPrefix: CidPrefix | undefined
  /** Codes whose hasher answered with a promise (WebCrypto in browsers): no synchronous fast path for them. */
  private readonly answersLater = new Set<number>()

  constructor (hashers: Iterable<MultihashHasher> = commonHashers()) {
    for (const hasher of hashers) {
      if (hasher == null || typeof hasher.code !== 'number' || typeof hasher.digest !== 'function') {
        throw new TypeError('hashers: every entry must be a multiformats MultihashHasher ({ code, digest })')
      }
      this.byCode.set(hasher.code, hasher)
    }
  }

  /** Whether blocks hashed with `code` can be verified. */
  has (code: number): boolean {
    return this.byCode.has(code)
  }

  /** The multihash codes this node can verify. */
  codes (): number[] {
    return [...this.byCode.keys()]
  }

  /**
   * True while `code` is hashed by multiformats' own sha2-256 or sha2-512 and has not been seen to answer with a
   * promise: in Node those hash synchronously, in a browser they go through WebCrypto and answer later.
   */
  hashesNow (code: number): boolean {
    const hasher = this.byCode.get(code)
    return hasher !== undefined && (hasher === sha256 || hasher === sha512) && !this.answersLater.has(code)
  }

  /** Records that the hasher for `code` answers with a promise. */
  answeredLater (code: number): void {
    this.answersLater.add(code)
  }

  get (code: number): MultihashHasher {
    const hasher = this.byCode.get(code)
    if (hasher == null) throw new UnknownHashError(code)
    return hasher
  }

  /** The decoded prefix of a block, from the one-entry cache when it repeats. */
  prefixOf (bytes: Uint8Array): CidPrefix {
    if (this.lastPrefix !== undefined && this.lastPrefixBytes !== undefined && equalBytes(bytes, this.lastPrefixBytes)) return this.lastPrefix
    const prefix = Object.freeze(decodePrefix(bytes))
    this.lastPrefixBytes = bytes.slice()
    this.lastPrefix = prefix
    return prefix
  }
}

/**
 * Rebuilds the CID of a received block by hashing its bytes with the hash function its prefix names. Identity
 * "hashes" are refused: they prove nothing and are never exchanged over Bitswap.
 */
export async function cidOfBlock (block: BlockPayload, hashers: HasherRegistry): Promise<CID> {
  return blockCid(block, hashers)
}

export async function hashToCid (prefix: CidPrefix, data: Uint8Array, hashers: HasherRegistry): Promise<CID> {
  return hashToCidNow(prefix, data, hashers)
}

/**
 * `cidOfBlock` without a promise when the hash function answers synchronously (sha2 in Node does): a message of
 * many small blocks then costs no promise per block. Throws (rather than rejects) for a bad prefix or hash.
 */
export function blockCid (block: BlockPayload, hashers: HasherRegistry): CID | Promise<CID> {
  return hashToCidNow(hashers.prefixOf(block.prefix), block.data, hashers)
}

function hashToCidNow (prefix: CidPrefix, data: Uint8Array, hashers: HasherRegistry): CID | Promise<CID> {
  if (prefix.multihashCode === IDENTITY_CODE) {
    throw new BlockVerificationError('Blocks with identity CIDs are never exchanged')
  }
  const hasher = hashers.get(prefix.multihashCode)
  const failed = (err: unknown): BlockVerificationError =>
    new BlockVerificationError(`Cannot hash to a ${prefix.digestLength}-byte digest with 0x${prefix.multihashCode.toString(16)}: ${(err as Error).message}`)
  let digest: ReturnType<typeof hasher.digest>
  try {
    digest = hasher.digest(data, { truncate: prefix.digestLength })
  } catch (err) {
    throw failed(err)
  }
  if (isPromiseLike(digest)) {
    return Promise.resolve(digest).then(d => toCid(prefix, d), err => { throw failed(err) })
  }
  return toCid(prefix, digest)
}

function toCid (prefix: CidPrefix, digest: MultihashDigest): CID {
  return prefix.version === 0 ? CID.createV0(digest as MultihashDigest<typeof SHA2_256_CODE>) : CID.createV1(prefix.codec, digest)
}

/**
 * The `blockKey` of the CID a received block's bytes hash to, when it can be had at once without building that
 * CID: a full-length sha2-256 digest through the default hasher where it hashes synchronously (Node), which is
 * nearly every block exchanged. Undefined when the block needs the general path (`blockCid`). Throws for a prefix
 * that does not parse.
 */
export function fastBlockKey (block: BlockPayload, hashers: HasherRegistry): string | undefined {
  const prefix = hashers.prefixOf(block.prefix)
  if (prefix.multihashCode !== SHA2_256_CODE || prefix.digestLength !== 32 || !hashers.hashesNow(SHA2_256_CODE)) return undefined
  // hashesNow: the node's sha2-256 is multiformats' own, so the platform's fastest synchronous sha2-256 gives the
  // same digest; a sha2-256 multihash is 0x12 0x20 and the digest, so its hex is what blockKey writes after the codec.
  const hex = sha256HexNow(block.data)
  if (hex === undefined) {
    // answers later here (WebCrypto): one hash wasted per node, the first time; from then on the general path
    hashers.answeredLater(SHA2_256_CODE)
    return undefined
  }
  return `${prefix.codec}:${SHA256_MULTIHASH_HEX_HEAD}${hex}`
}

/**
 * The CID whose key `fastBlockKey` gave for `block`, built from that key's digest: a block nobody wants any more
 * (most often a duplicate) still needs its CID, and hashing its bytes a second time for it cost as much as the
 * first hash. `key` must be what `fastBlockKey` gave for this very block.
 * @internal
 */
export function blockCidOfFastKey (block: BlockPayload, key: string, hashers: HasherRegistry): CID {
  const digestAt = key.indexOf(':') + 1 + SHA256_MULTIHASH_HEX_HEAD.length
  const digest = Digest.create(SHA2_256_CODE, fromHex(key, digestAt))
  return withBlockKey(toCid(hashers.prefixOf(block.prefix), digest), key)
}

/** The hex of a sha2-256 multihash's code and length, which `fastBlockKey` writes before the digest. */
const SHA256_MULTIHASH_HEX_HEAD = '1220'

export function isPromiseLike<T> (value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function'
}

/**
 * Accepts a block only when it is exactly the wanted one: same codec, hash function, digest length and digest
 * (a CIDv0 and its CIDv1 twin are the same block). Returns the wanted CID; throws BlockVerificationError.
 */
export async function verifyBlock (block: BlockPayload, wanted: CID, hashers: HasherRegistry): Promise<CID> {
  const actual = await cidOfBlock(block, hashers)
  if (!sameBlock(actual, wanted)) {
    throw new BlockVerificationError(`Block hashes to ${actual.toString()}, not the wanted ${wanted.toString()}`)
  }
  return wanted
}

/** Codec, hash function, digest length and digest are equal; the CID version may differ. */
export function sameBlock (a: CID, b: CID): boolean {
  return a.code === b.code && equalBytes(a.multihash.bytes, b.multihash.bytes)
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) {
    if (a[i] !== b[i]) return false
  }
  return true
}
