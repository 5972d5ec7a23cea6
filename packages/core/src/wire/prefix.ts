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

/** The prefix bytes of every 1.0.0 raw block (CIDV0_PREFIX encoded). */
export const CIDV0_PREFIX_BYTES = encodePrefix(CIDV0_PREFIX)

export function encodePrefixOf (cid: CID): Uint8Array {
  const version = cid.version
  const codec = cid.code
  const multihashCode = cid.multihash.code
  const digestLength = cid.multihash.size
  for (let i = 0; i < knownPrefixes.length; i++) {
    const known = knownPrefixes[i]
    if (known.version === version && known.codec === codec && known.multihashCode === multihashCode && known.digestLength === digestLength) return known.bytes
  }
  const prefix = { version, codec, multihashCode, digestLength }
  const bytes = encodePrefix(prefix)
  if (knownPrefixes.length === MAX_KNOWN_PREFIXES) knownPrefixes.pop()
  knownPrefixes.unshift({ ...prefix, bytes })
  return bytes
}

/**
 * Prefixes already encoded, by their four numbers, newest first. A prefix is a pure function of those numbers, so
 * one list serves every node of the process, and nearly all blocks of a transfer share one or two prefixes: a scan
 * of a few entries beats any per-CID cache (a server's CIDs are decoded afresh from each message, so a cache keyed
 * by CID object missed and grew on every block). The bytes are shared and never written to.
 */
const knownPrefixes: Array<CidPrefix & { bytes: Uint8Array }> = []
/** A process sees a handful of distinct prefixes; a bound keeps a peer sending odd ones from growing the list. */
const MAX_KNOWN_PREFIXES = 16

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
 * `cid`, its block key known to be `key` (the caller computed it from the same digest another way), so no later
 * `blockKey(cid)` writes the digest's hex again. A wrong key would misfile the CID everywhere core keys by it, so
 * this is for core's own intake only.
 * @internal
 */
export function withBlockKey (cid: CID, key: string): CID {
  blockKeys.set(cid, key)
  return cid
}

/**
 * Keys already computed, per CID object: one block's CID goes through a dozen maps on its way in (wantlists,
 * sessions, queues, timeouts, waiters), and reusing one string also reuses its cached hash. A WeakMap rather than
 * a property on the CID, which belongs to the caller; it holds nothing alive and is a cache of a pure function,
 * so nodes in one process share no behaviour through it.
 */
const blockKeys = new WeakMap<CID, string>()
