import { MalformedMessageError } from '../errors.js'

/** Protobuf wire types. */
export const WireType = Object.freeze({ VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 })

/** A varint has at most ten bytes (64 bits in groups of seven). */
const MAX_VARINT_BYTES = 10

/**
 * Reads protobuf fields from one buffer without building anything: numbers come back as numbers and
 * length-delimited fields as offsets, so a caller decides which of them become objects. Every read is bounded
 * by the end of the field that encloses it (`end`), so a nested length that overruns its parent is malformed
 * rather than read into its neighbour.
 */
export class ProtoReader {
  buf: Uint8Array
  pos = 0
  /** Number and wire type of the field whose tag `next` read last. */
  field = 0
  wireType = 0
  /** Whether the last varint read had bits above the 32 that `varint` returns. */
  private wide = false

  constructor (buf: Uint8Array) {
    this.buf = buf
  }

  /** Starts over on another buffer, at `pos`: one reader serves every field of a message. */
  reset (buf: Uint8Array, pos = 0): this {
    this.buf = buf
    this.pos = pos
    return this
  }

  /** The low 32 bits of the next varint, unsigned. */
  varint (end: number): number {
    let low = 0
    let shift = 0
    this.wide = false
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= end) throw new MalformedMessageError(`A varint runs past its field's end at offset ${this.pos}`)
      const byte = this.buf[this.pos++]
      if (shift < 32) {
        low |= (byte & 0x7f) << shift
        // The fifth byte carries bits 28 to 34: the top three do not fit.
        if (shift === 28 && (byte & 0x70) !== 0) this.wide = true
      } else if ((byte & 0x7f) !== 0) {
        this.wide = true
      }
      if (byte < 0x80) return low >>> 0
      shift += 7
    }
    throw new MalformedMessageError(`A varint is longer than ${MAX_VARINT_BYTES} bytes at offset ${this.pos}`)
  }

  /** An int32 (negative ones are sent as ten-byte varints; their low 32 bits are the value). */
  int32 (end: number): number {
    return this.varint(end) | 0
  }

  bool (end: number): boolean {
    return this.varint(end) !== 0 || this.wide
  }

  /** The length of a length-delimited field, checked to fit before `end`; the field's bytes start at `pos`. */
  length (end: number): number {
    const length = this.varint(end)
    if (this.wide || length > end - this.pos) {
      throw new MalformedMessageError(`A field of ${this.wide ? 'over 4 GiB' : `${length} bytes`} runs past its end at offset ${this.pos}`)
    }
    return length
  }

  /** Reads the length of an embedded message and returns where its fields end. */
  nested (end: number): number {
    const length = this.length(end)
    return this.pos + length
  }

  /** Reads the next field's tag into `field` and `wireType`. */
  next (end: number): void {
    const tag = this.varint(end)
    this.field = tag >>> 3
    this.wireType = tag & 7
  }

  /** Throws unless the field just read came with the wire type the schema gives it. */
  expect (expected: number): void {
    if (this.wireType !== expected) {
      throw new MalformedMessageError(`Field ${this.field} has wire type ${this.wireType}, not ${expected}`)
    }
  }

  /** Skips the value of the field just read, unknown to the schema (groups too, nested ones counted without recursion). */
  skip (end: number): void {
    if (this.wireType !== WireType.SGROUP) {
      this.skipValue(this.wireType, end)
      return
    }
    let depth = 1
    while (depth > 0) {
      const inner = this.varint(end) & 7
      if (inner === WireType.SGROUP) depth++
      else if (inner === WireType.EGROUP) depth--
      else this.skipValue(inner, end)
    }
  }

  private skipValue (wireType: number, end: number): void {
    switch (wireType) {
      case WireType.VARINT: this.varint(end); return
      case WireType.LEN: this.pos = this.nested(end); return
      case WireType.I64: this.advance(8, end); return
      case WireType.I32: this.advance(4, end); return
      default: throw new MalformedMessageError(`Invalid wire type ${wireType} at offset ${this.pos}`)
    }
  }

  private advance (bytes: number, end: number): void {
    if (bytes > end - this.pos) throw new MalformedMessageError(`A fixed-size field runs past its end at offset ${this.pos}`)
    this.pos += bytes
  }
}
