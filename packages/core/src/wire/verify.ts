import { CID } from 'multiformats/cid'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { BlockVerificationError, UnknownHashError } from '../errors.js'
import { decodePrefix, IDENTITY_CODE, type CidPrefix } from './prefix.js'
import type { BlockPayload } from './types.js'
import type { MultihashHasher } from 'multiformats/hashes/interface'

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
  const prefix = decodePrefix(block.prefix)
  return hashToCid(prefix, block.data, hashers)
}

export async function hashToCid (prefix: CidPrefix, data: Uint8Array, hashers: HasherRegistry = defaultHashers): Promise<CID> {
  if (prefix.multihashCode === IDENTITY_CODE) {
    throw new BlockVerificationError('Blocks with identity CIDs are never exchanged')
  }
  const hasher = hashers.get(prefix.multihashCode)
  let digest
  try {
    digest = await hasher.digest(data, { truncate: prefix.digestLength })
  } catch (err) {
    throw new BlockVerificationError(`Cannot hash to a ${prefix.digestLength}-byte digest with 0x${prefix.multihashCode.toString(16)}: ${(err as Error).message}`)
  }
  return prefix.version === 0 ? CID.createV0(digest as any) : CID.createV1(prefix.codec, digest)
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
