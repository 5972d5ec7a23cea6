import { CID } from 'multiformats/cid'
import * as varint from 'uint8-varint'
import { InvalidPrefixError } from '../errors.js'
import { toHex } from '../util/hex.js'
import type { MultihashDigest } from 'multiformats/hashes/interface'

/** Everything of a CID but the digest: what a 1.1.0+ block carries so the receiver can rebuild the CID. */
export interface CidPrefix {
  version: 0 | 1
  codec: number
  multihashCode: number
  digestLength: number
}

export const DAG_PB_CODEC = 0x70
export const SHA2_256_CODE = 0x12
export const IDENTITY_CODE = 0x00

/** The implied prefix of every 1.0.0 raw block: CIDv0, dag-pb, sha2-256, 32 bytes. */
export const CIDV0_PREFIX: Readonly<CidPrefix> = Object.freeze({
  version: 0, codec: DAG_PB_CODEC, multihashCode: SHA2_256_CODE, digestLength: 32
})

export function prefixOf (cid: CID): CidPrefix {
  return {
    version: cid.version,
    codec: cid.code,
    multihashCode: cid.multihash.code,
    digestLength: cid.multihash.size
  }
}

export function encodePrefix (prefix: CidPrefix): Uint8Array {
  const fields = [prefix.version, prefix.codec, prefix.multihashCode, prefix.digestLength]
  const out = new Uint8Array(fields.reduce((n, f) => n + varint.encodingLength(f), 0))
  let offset = 0
  for (const field of fields) {
    varint.encode(field, out, offset)
    offset += varint.encodingLength(field)
  }
  return out
}

/** The wire prefix of a CID, cached per CID object because the same CID is often sent to many peers. */
const encodedPrefixes = new WeakMap<CID, Uint8Array>()
/** The prefix bytes of every 1.0.0 raw block (CIDV0_PREFIX encoded). */
export const CIDV0_PREFIX_BYTES = encodePrefix(CIDV0_PREFIX)

export function encodePrefixOf (cid: CID): Uint8Array {
  const last = lastPrefix
  if (last != null && last.version === cid.version && last.codec === cid.code &&
    last.multihashCode === cid.multihash.code && last.digestLength === cid.multihash.size) return last.bytes
  let bytes = encodedPrefixes.get(cid)
  if (bytes == null) {
    const prefix = prefixOf(cid)
    bytes = encodePrefix(prefix)
    encodedPrefixes.set(cid, bytes)
    lastPrefix = { ...prefix, bytes }
  }
  return bytes
}

/**
 * The last prefix encoded, reused while CIDs keep having it, before the per-CID cache is even looked at: a
 * server answers wants decoded afresh from each message, so that cache misses (and grows) on every block, while
 * nearly all blocks of a transfer share one prefix. The bytes are shared like the cached ones, never written to.
 */
let lastPrefix: { version: number, codec: number, multihashCode: number, digestLength: number, bytes: Uint8Array } | undefined

/** Parses a wire prefix; throws InvalidPrefixError for truncated, oversized or impossible values. */
export function decodePrefix (bytes: Uint8Array): CidPrefix {
  const fields: number[] = []
  let offset = 0
  try {
    for (let i = 0; i < 4; i++) {
      const value = varint.decode(bytes, offset)
      offset += varint.encodingLength(value)
      fields.push(value)
    }
  } catch (err) {
    throw new InvalidPrefixError(`CID prefix is not four varints: ${(err as Error).message}`, { cause: err })
  }
  if (offset !== bytes.byteLength) {
    throw new InvalidPrefixError(`CID prefix has ${bytes.byteLength - offset} trailing bytes`)
  }
  const [version, codec, multihashCode, digestLength] = fields
  if (version !== 0 && version !== 1) {
    throw new InvalidPrefixError(`Unsupported CID version ${version}`)
  }
  if (version === 0 && (codec !== DAG_PB_CODEC || multihashCode !== SHA2_256_CODE || digestLength !== 32)) {
    throw new InvalidPrefixError('A CIDv0 prefix must be dag-pb with a 32-byte sha2-256 digest')
  }
  if (digestLength > 128) {
    throw new InvalidPrefixError(`Digest length ${digestLength} exceeds 128 bytes`)
  }
  return { version, codec, multihashCode, digestLength }
}

/** A CIDv1 dag-pb sha2-256 CID has a CIDv0 twin: the only CIDs a 1.0.0 peer understands. */
export function toCidV0 (cid: CID): CID | undefined {
  if (cid.version === 0) return cid
  if (cid.code === DAG_PB_CODEC && cid.multihash.code === SHA2_256_CODE && cid.multihash.size === 32) {
    return CID.createV0(cid.multihash as MultihashDigest<typeof SHA2_256_CODE>)
  }
  return undefined
}

/**
 * A key equal for two CIDs exactly when codec, hash function, digest length and digest all match (CIDv0 and
 * its CIDv1 twin share a key): what "the block we wanted" means.
 */
export function blockKey (cid: CID): string {
  let key = blockKeys.get(cid)
  if (key === undefined) {
    key = `${cid.code}:${toHex(cid.multihash.bytes)}`
    blockKeys.set(cid, key)
  }
  return key
}

/**
 * Keys already computed, per CID object: one block's CID goes through a dozen maps on its way in (wantlists,
 * sessions, queues, timeouts, waiters), and reusing one string also reuses its cached hash. A WeakMap rather than
 * a property on the CID, which belongs to the caller; it holds nothing alive and is a cache of a pure function,
 * so nodes in one process share no behaviour through it.
 */
const blockKeys = new WeakMap<CID, string>()
