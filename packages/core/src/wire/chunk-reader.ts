import { allocUnsafe } from 'uint8arrays/alloc'
import { MalformedMessageError } from '../errors.js'
import { WireType, type ProtoReader } from './proto-reader.js'

/** A varint has at most ten bytes (64 bits in groups of seven). */
const MAX_VARINT_BYTES = 10

/**
 * Reads the top-level fields of a protobuf message that arrived as a list of chunks, without joining the chunks
 * first: libp2p hands over a large message as dozens of decrypted frames, and joining them was a copy of every
 * byte received. Each length-delimited field comes back as a view of the chunk that holds it, or, when it
 * straddles chunks, as one copy of exactly its bytes (a block's bytes must be contiguous for the store anyway).
 *
 * The bounds checks are those of ProtoReader (a varint or a length that runs past the end is malformed), so a
 * message reads the same whether it came in one chunk or many.
 */
export class ChunkReader {
  private readonly chunks: Uint8Array[]
  /** The chunk the next byte is in, and the next byte's offset in it. */
  private index = 0
  private offset = 0
  /** Bytes read so far, and the message's length. */
  pos = 0
  readonly end: number
  /** Number and wire type of the field whose tag `next` read last. */
  field = 0
  wireType = 0
  /** Whether the last varint read had bits above the 32 that `varint` returns. */
  private wide = false

  constructor (chunks: Uint8Array[]) {
    // Plain views of Node Buffers (whose slices would be views and subarrays Buffers): every array read out of a
    // message, and every CID's bytes sliced from one, is then a plain Uint8Array, and a slice a copy.
    this.chunks = chunks.map(chunk => chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
    let end = 0
    for (const chunk of chunks) end += chunk.byteLength
    this.end = end
    this.skipEmpty()
  }

  get done (): boolean {
    return this.pos >= this.end
  }

  /** Reads the next field's tag into `field` and `wireType`. */
  next (): void {
    const tag = this.varint()
    this.field = tag >>> 3
    this.wireType = tag & 7
  }

  /** Throws unless the field just read came with the wire type the schema gives it. */
  expect (expected: number): void {
    if (this.wireType !== expected) {
      throw new MalformedMessageError(`Field ${this.field} has wire type ${this.wireType}, not ${expected}`)
    }
  }

  /** An int32 varint (negative ones are sent as ten-byte varints; their low 32 bits are the value). */
  int32 (): number {
    return this.varint() | 0
  }

  /** The bytes of a length-delimited field: a plain view when they lie in one chunk, else a copy of them. */
  bytes (): Uint8Array {
    const length = this.length()
    if (length === 0) return new Uint8Array(0)
    const chunk = this.chunks[this.index]
    if (this.offset + length <= chunk.byteLength) {
      const view = chunk.subarray(this.offset, this.offset + length)
      this.advance(length)
      return view
    }
    return this.gather(length)
  }

  /** The next `length` bytes (known to be there) copied into one plain array, not zero-filled first. */
  private gather (length: number): Uint8Array {
    const gathered = allocUnsafe(length)
    const copy = new Uint8Array(gathered.buffer, gathered.byteOffset, length)
    let filled = 0
    while (filled < length) {
      const source = this.chunks[this.index]
      const take = Math.min(length - filled, source.byteLength - this.offset)
      copy.set(source.subarray(this.offset, this.offset + take), filled)
      filled += take
      this.advance(take)
    }
    return copy
  }

  /**
   * Points `reader` at the embedded message of the length-delimited field just read and returns where its fields
   * end: in place when it lies in one chunk (no view to allocate, as a message of small blocks has one per block),
   * else at a copy of its bytes.
   */
  nested (reader: ProtoReader): number {
    const length = this.length()
    const chunk = this.chunks[this.index]
    if (length > 0 && this.offset + length <= chunk.byteLength) {
      reader.reset(chunk, this.offset)
      this.advance(length)
      return reader.pos + length
    }
    reader.reset(this.gather(length))
    return length
  }

  /** Skips the value of the field just read, unknown to the schema (groups too, nested ones counted without recursion). */
  skip (): void {
    if (this.wireType !== WireType.SGROUP) {
      this.skipValue(this.wireType)
      return
    }
    let depth = 1
    while (depth > 0) {
      const inner = this.varint() & 7
      if (inner === WireType.SGROUP) depth++
      else if (inner === WireType.EGROUP) depth--
      else this.skipValue(inner)
    }
  }

  private skipValue (wireType: number): void {
    switch (wireType) {
      case WireType.VARINT: this.varint(); return
      case WireType.LEN: this.advanceChecked(this.length()); return
      case WireType.I64: this.advanceChecked(8); return
      case WireType.I32: this.advanceChecked(4); return
      default: throw new MalformedMessageError(`Invalid wire type ${wireType} at offset ${this.pos}`)
    }
  }

  /** The length of a length-delimited field, checked to fit in what is left of the message. */
  private length (): number {
    const length = this.varint()
    const wide = this.wide
    if (wide || length > this.end - this.pos) {
      throw new MalformedMessageError(`A field of ${wide ? 'over 4 GiB' : `${length} bytes`} runs past its end at offset ${this.pos}`)
    }
    return length
  }

  /** The low 32 bits of the next varint, unsigned; `wide` says whether it had bits above them. */
  private varint (): number {
    let low = 0
    let shift = 0
    let wide = false
    this.wide = false
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.end) throw new MalformedMessageError(`A varint runs past its field's end at offset ${this.pos}`)
      const byte = this.chunks[this.index][this.offset]
      this.advance(1)
      if (shift < 32) {
        low |= (byte & 0x7f) << shift
        // The fifth byte carries bits 28 to 34: the top three do not fit.
        if (shift === 28 && (byte & 0x70) !== 0) wide = true
      } else if ((byte & 0x7f) !== 0) {
        wide = true
      }
      if (byte < 0x80) {
        this.wide = wide
        return low >>> 0
      }
      shift += 7
    }
    throw new MalformedMessageError(`A varint is longer than ${MAX_VARINT_BYTES} bytes at offset ${this.pos}`)
  }

  private advanceChecked (bytes: number): void {
    if (bytes > this.end - this.pos) throw new MalformedMessageError(`A fixed-size field runs past its end at offset ${this.pos}`)
    this.advance(bytes)
  }

  /** Moves on `bytes` (known to be there), to the next non-empty chunk when this one is used up. */
  private advance (bytes: number): void {
    this.pos += bytes
    this.offset += bytes
    while (this.index < this.chunks.length && this.offset >= this.chunks[this.index].byteLength) {
      this.offset -= this.chunks[this.index].byteLength
      this.index++
    }
  }

  private skipEmpty (): void {
    this.advance(0)
  }
}
