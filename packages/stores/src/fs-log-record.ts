import { crc32 } from 'node:zlib'

/**
 * The records of the block log (see fs-block-log.ts), little-endian:
 *
 *   u32 length    of the whole record, these four bytes and the checksum included
 *   u8  kind      PUT (a block follows its multihash) or DELETE (a tombstone: the multihash alone)
 *   u16 keyLength bytes of the multihash
 *   ... multihash
 *   ... block bytes (PUT only)
 *   u32 crc32     of every byte before it
 *
 * A record is self-describing and checked on its own: a crash mid-append leaves a tail whose length runs past
 * the end of the file or whose checksum fails, and so does a record whose bytes changed on disk. The multihash
 * in the record lets the index be rebuilt from the log alone and a read confirm it found the block it asked for.
 */
export const RECORD_PUT = 1
export const RECORD_DELETE = 2
export type RecordKind = typeof RECORD_PUT | typeof RECORD_DELETE

const HEADER_SIZE = 7
const CHECKSUM_SIZE = 4
/** The smallest well-formed record: a header and a checksum around an empty key. */
export const MIN_RECORD_SIZE = HEADER_SIZE + CHECKSUM_SIZE
/**
 * No record is longer: a length field above it is damage, not a block (the log takes blocks up to the store's
 * `smallBlockSize`, at most `MAX_SMALL_BLOCK_SIZE`; a store opened earlier with a larger setting still fits).
 */
export const MAX_RECORD_SIZE = 16 * 1024 * 1024 + MIN_RECORD_SIZE + 0xffff

/**
 * Every segment file begins with these 8 bytes (a name and a format version), so a stray file in the log
 * directory is never read as blocks.
 */
export const SEGMENT_MAGIC = Uint8Array.from([0x73, 0x77, 0x62, 0x6c, 0x6f, 0x67, 0x00, 0x01])

/** Bytes a record of this key and block takes in the log. */
export function recordSize (keyLength: number, blockLength: number): number {
  return MIN_RECORD_SIZE + keyLength + blockLength
}

/** Writes one record at `at` in `target` (sized with `recordSize`); returns the offset after it. */
export function encodeRecord (target: Buffer, at: number, kind: RecordKind, key: Uint8Array, block: Uint8Array | undefined): number {
  const length = recordSize(key.byteLength, block?.byteLength ?? 0)
  target.writeUInt32LE(length, at)
  target[at + 4] = kind
  target.writeUInt16LE(key.byteLength, at + 5)
  target.set(key, at + HEADER_SIZE)
  if (block != null) target.set(block, at + HEADER_SIZE + key.byteLength)
  const end = at + length - CHECKSUM_SIZE
  target.writeUInt32LE(crc32(target.subarray(at, end)), end)
  return at + length
}

export interface DecodedRecord {
  kind: RecordKind
  key: Uint8Array
  /** The block's bytes (a view into the source), empty for a tombstone. */
  block: Uint8Array
  /** Bytes the record takes. */
  length: number
}

/** Why the bytes at an offset are not a record: too few of them yet, or bytes that cannot be one. */
export type RecordProblem = 'short' | 'damaged'

/**
 * The record that starts at `at` in `source`, or the problem with it. 'short' means the length field asks for
 * more bytes than `source` holds from `at` (at a file's end: a torn append); 'damaged' a length out of bounds,
 * an unknown kind, a key running past the record, or a checksum that does not match.
 */
export function decodeRecord (source: Buffer, at: number): DecodedRecord | RecordProblem {
  if (source.byteLength - at < 4) return 'short'
  const length = source.readUInt32LE(at)
  if (length < MIN_RECORD_SIZE || length > MAX_RECORD_SIZE) return 'damaged'
  if (source.byteLength - at < length) return 'short'
  const kind = source[at + 4]
  const keyLength = source.readUInt16LE(at + 5)
  if ((kind !== RECORD_PUT && kind !== RECORD_DELETE) || HEADER_SIZE + keyLength + CHECKSUM_SIZE > length) return 'damaged'
  const end = at + length - CHECKSUM_SIZE
  if (crc32(source.subarray(at, end)) !== source.readUInt32LE(end)) return 'damaged'
  const keyStart = at + HEADER_SIZE
  return {
    kind,
    key: source.subarray(keyStart, keyStart + keyLength),
    block: source.subarray(keyStart + keyLength, end),
    length
  }
}
