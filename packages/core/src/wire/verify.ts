import { hash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { BlockVerificationError, UnknownHashError } from '../errors.js'
import { decodePrefix, IDENTITY_CODE, SHA2_256_CODE, type CidPrefix } from './prefix.js'
import type { BlockPayload } from './types.js'
import type { MultihashDigest, MultihashHasher } from 'multiformats/hashes/interface'

/** Hashers by multihash code. sha2-256 and sha2-512 by default; add others (blake2, blake3...) as needed. */
export class HasherRegistry {
  private readonly byCode = new Map<number, MultihashHasher>()

  constructor (hashers: Iterable<MultihashHasher> = [sha256, sha512]) {
    for (const hasher of hashers) this.add(hasher)
  }

  add (hasher: MultihashHasher): this {
    this.byCode.set(hasher.code, hasher)
    return this
  }

  /** True while `code` is hashed by the hasher this module ships for it (sha2-256 and sha2-512 by Node's crypto). */
  isDefault (code: number): boolean {
    const hasher = this.byCode.get(code)
    return hasher !== undefined && (hasher === sha256 || hasher === sha512)
  }

  get (code: number): MultihashHasher {
    const hasher = this.byCode.get(code)
    if (hasher == null) throw new UnknownHashError(code)
    return hasher
  }
}

export const defaultHashers = new HasherRegistry()

/**
 * Rebuilds the CID of a received block by hashing its bytes with the hash function its prefix names. Identity
 * "hashes" are refused: they prove nothing and are never exchanged over Bitswap.
 */
export async function cidOfBlock (block: BlockPayload, hashers: HasherRegistry = defaultHashers): Promise<CID> {
  return blockCid(block, hashers)
}

export async function hashToCid (prefix: CidPrefix, data: Uint8Array, hashers: HasherRegistry = defaultHashers): Promise<CID> {
  return hashToCidNow(prefix, data, hashers)
}

/**
 * `cidOfBlock` without a promise when the hash function answers synchronously (sha2 in Node does): a message of
 * many small blocks then costs no promise per block. Throws (rather than rejects) for a bad prefix or hash.
 */
export function blockCid (block: BlockPayload, hashers: HasherRegistry = defaultHashers): CID | Promise<CID> {
  return hashToCidNow(prefixOfBlock(block.prefix), block.data, hashers)
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
  return prefix.version === 0 ? CID.createV0(digest as any) : CID.createV1(prefix.codec, digest)
}

/**
 * The `blockKey` of the CID a received block's bytes hash to, when it can be had without building that CID: a
 * full-length sha2-256 digest through the default hasher, which is nearly every block exchanged. Undefined
 * when the block needs the general path (`blockCid`). Throws for a prefix that does not parse.
 */
export function fastBlockKey (block: BlockPayload, hashers: HasherRegistry = defaultHashers): string | undefined {
  const prefix = prefixOfBlock(block.prefix)
  if (prefix.multihashCode !== SHA2_256_CODE || prefix.digestLength !== 32 || !hashers.isDefault(SHA2_256_CODE)) return undefined
  // A sha2-256 multihash is 0x12 0x20 and the digest: its hex is what blockKey writes after the codec.
  return `${prefix.codec}:1220${hash('sha256', block.data, 'hex')}`
}

export function isPromiseLike<T> (value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function'
}

/** Nearly every block of a message shares one prefix: the last one decoded is kept, with a copy of its bytes. */
let lastPrefixBytes: Uint8Array | undefined
let lastPrefix: CidPrefix | undefined

function prefixOfBlock (bytes: Uint8Array): CidPrefix {
  if (lastPrefix !== undefined && lastPrefixBytes !== undefined && equalBytes(bytes, lastPrefixBytes)) return lastPrefix
  const prefix = Object.freeze(decodePrefix(bytes))
  lastPrefixBytes = bytes.slice()
  lastPrefix = prefix
  return prefix
}

/**
 * Accepts a block only when it is exactly the wanted one: same codec, hash function, digest length and digest
 * (a CIDv0 and its CIDv1 twin are the same block). Returns the wanted CID; throws BlockVerificationError.
 */
export async function verifyBlock (block: BlockPayload, wanted: CID, hashers: HasherRegistry = defaultHashers): Promise<CID> {
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
