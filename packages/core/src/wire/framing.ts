import { Uint8ArrayList } from 'uint8arraylist'
import * as varint from 'uint8-varint'
import { allocUnsafe } from 'uint8arrays/alloc'
import { DEFAULT_MAX_INCOMING_MESSAGE_SIZE } from '../constants.js'
import { InvalidLengthPrefixError, MessageTooLargeError, TruncatedMessageError } from '../errors.js'

/** First buffer of a message being assembled; it doubles as bytes arrive. */
const MIN_ASSEMBLY_BUFFER = 4096

/** Longest varint we read: 9 bytes already cover 63 bits, far past any message limit. */
const MAX_VARINT_BYTES = 9

/** The chunks to write for one message: its unsigned-varint length, then the bytes themselves (not copied). */
export function frame (message: Uint8Array | Uint8ArrayList): Uint8ArrayList {
  return new Uint8ArrayList(varint.encode(message.byteLength), message)
}

export interface FrameDecoderOptions {
  /** Largest message accepted, by its declared length (default 4 MiB). */
  maxMessageSize?: number
}

/**
 * Splits a byte stream into length-prefixed messages. A declared length over the limit is rejected as soon as
 * the prefix shows it, before any of the body is buffered, so a peer cannot make us hold more than the limit.
 */
export class FrameDecoder {
  protected readonly buffer = new Uint8ArrayList()
  private readonly maxMessageSize: number
  /** Length of the message being read, once its prefix is complete. */
  protected expected: number | undefined

  constructor (options: FrameDecoderOptions = {}) {
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_INCOMING_MESSAGE_SIZE
  }

  /** Bytes held and not yet returned as messages. */
  get buffered (): number {
    return this.buffer.byteLength
  }

  /**
   * Whether a message has started and not finished: a prefix or body bytes are held. A reader puts a deadline
   * on such a message, so a peer cannot hold a half-sent one open for ever.
   */
  get inMessage (): boolean {
    return this.buffered > 0 || this.expected != null
  }

  /** The declared length of the message being read, once its prefix is complete. */
  get declaredLength (): number | undefined {
    return this.expected
  }

  /** Adds bytes from the stream and returns every message they complete. */
  push (chunk: Uint8Array | Uint8ArrayList): Uint8ArrayList[] {
    this.buffer.append(chunk)
    const messages: Uint8ArrayList[] = []
    for (;;) {
      if (this.expected == null && !this.readLength()) break
      const length = this.expected as number
      if (this.buffer.byteLength < length) break
      messages.push(this.buffer.sublist(0, length))
      this.buffer.consume(length)
      this.expected = undefined
    }
    return messages
  }

  /** Call when the stream ends: throws if it ended inside a prefix or a message. */
  end (): void {
    if (this.expected != null) {
      throw new TruncatedMessageError(`Stream ended after ${this.buffer.byteLength} of ${this.expected} message bytes`)
    }
    if (this.buffer.byteLength > 0) {
      throw new TruncatedMessageError(`Stream ended inside a length prefix (${this.buffer.byteLength} bytes)`)
    }
  }

  /**
   * Reads the length prefix if it is complete; returns false when more bytes are needed. Prefixes must be
   * minimal unsigned varints of at most 9 bytes, as multiformats requires: that is what makes an unfinished
   * prefix a lower bound on the length, so an oversized one is rejected before it is even complete.
   */
  protected readLength (): boolean {
    let value = 0
    let scale = 1
    const available = Math.min(this.buffer.byteLength, MAX_VARINT_BYTES)
    for (let i = 0; i < available; i++) {
      const byte = this.buffer.get(i)
      value += (byte & 0x7f) * scale
      if ((byte & 0x80) === 0) {
        if (byte === 0 && i > 0) throw new InvalidLengthPrefixError('Length prefix is not a minimal varint')
        if (value > this.maxMessageSize) throw new MessageTooLargeError(value, this.maxMessageSize)
        this.buffer.consume(i + 1)
        this.expected = value
        return true
      }
      scale *= 128
    }
    // Checked before the size bound, or an over-long prefix would always be reported as an oversized length.
    if (this.buffer.byteLength >= MAX_VARINT_BYTES) {
      throw new InvalidLengthPrefixError(`Length prefix is longer than ${MAX_VARINT_BYTES} bytes`)
    }
    // More bytes follow, so the length is at least `scale`: reject now rather than wait for them.
    if (scale > this.maxMessageSize) throw new MessageTooLargeError(scale, this.maxMessageSize)
    return false
  }
}

/** Yields each length-prefixed message of a stream; throws a typed error on an oversized or cut-off one. */
export async function * readFrames (
  source: AsyncIterable<Uint8Array | Uint8ArrayList> | Iterable<Uint8Array | Uint8ArrayList>,
  options: FrameDecoderOptions = {}
): AsyncGenerator<Uint8ArrayList> {
  const decoder = new FrameDecoder(options)
  for await (const chunk of source) {
    yield * decoder.push(chunk)
  }
  decoder.end()
}

export interface AssemblingFrameDecoderOptions extends FrameDecoderOptions {
  /** Messages at least this long are assembled into one contiguous buffer as their bytes arrive (default 64 KiB). */
  assembleFrom?: number
}

/**
 * A FrameDecoder that copies each large message into a buffer of its own as its chunks arrive, instead of holding
 * the chunks until the message is complete and concatenating them then. Each chunk is released as soon as it is
 * copied: a reader of large blocks holds one buffer per message in flight rather than every chunk of it, and
 * those chunks die young, where the collector frees them cheaply.
 *
 * The buffer grows with the bytes that actually arrived (doubling, up to the declared length), never with what
 * the prefix announces: a peer that declares 4 MiB and sends nothing more makes us hold a few bytes, not 4 MiB.
 * Doubling keeps the copying to under twice the message's bytes. Every message comes out as a chunk list, a
 * large one as a list of exactly one chunk.
 */
export class AssemblingFrameDecoder extends FrameDecoder {
  private readonly assembleFrom: number
  private target: Uint8Array | undefined
  /** Declared length of the message being assembled into `target`. */
  private length = 0
  private filled = 0

  constructor (options: AssemblingFrameDecoderOptions = {}) {
    super(options)
    this.assembleFrom = options.assembleFrom ?? 64 * 1024
  }

  override get buffered (): number {
    return super.buffered + this.filled
  }

  override get inMessage (): boolean {
    return this.target !== undefined || super.inMessage
  }

  override get declaredLength (): number | undefined {
    return this.target !== undefined ? this.length : super.declaredLength
  }

  /** Bytes the decoder has allocated for the message being assembled (for tests and stats). */
  get allocated (): number {
    return this.target?.byteLength ?? 0
  }

  override push (chunk: Uint8Array | Uint8ArrayList): Uint8ArrayList[] {
    const out: Uint8ArrayList[] = []
    let rest = chunk
    if (this.target !== undefined) {
      const take = Math.min(this.length - this.filled, rest.byteLength)
      this.reserve(this.filled + take)
      copyInto(this.target, this.filled, rest, take)
      this.filled += take
      if (this.filled < this.length) return out
      // One chunk: reading it as a whole (what decoding does) hands back this buffer, not a copy.
      out.push(new Uint8ArrayList(this.target))
      this.target = undefined
      this.filled = 0
      this.length = 0
      if (take === rest.byteLength) return out
      rest = rest instanceof Uint8Array ? rest.subarray(take) : rest.sublist(take)
    }
    this.buffer.append(rest)
    for (;;) {
      if (this.expected == null && !this.readLength()) break
      const length = this.expected as number
      if (this.buffer.byteLength >= length) {
        out.push(this.buffer.sublist(0, length))
        this.buffer.consume(length)
        this.expected = undefined
        continue
      }
      if (length >= this.assembleFrom) {
        // Everything buffered belongs to this message; the rest is copied in as it arrives.
        const have = this.buffer.byteLength
        this.length = length
        this.target = undefined
        this.reserve(have)
        copyInto(this.target as unknown as Uint8Array, 0, this.buffer, have)
        this.buffer.consume(have)
        this.filled = have
        this.expected = undefined
      }
      break
    }
    return out
  }

  override end (): void {
    if (this.target !== undefined) {
      throw new TruncatedMessageError(`Stream ended after ${this.filled} of ${this.length} message bytes`)
    }
    super.end()
  }

  /**
   * Makes `target` hold at least `needed` bytes: at least MIN_ASSEMBLY_BUFFER, doubling what it had, never past
   * the declared length. Not zero-filled: every byte is written before the buffer is handed out.
   */
  private reserve (needed: number): void {
    const current = this.target?.byteLength ?? 0
    if (this.target !== undefined && needed <= current) return
    const size = Math.min(this.length, Math.max(needed, current * 2, MIN_ASSEMBLY_BUFFER))
    const grown = allocUnsafe(size)
    if (this.target !== undefined && this.filled > 0) grown.set(this.target.subarray(0, this.filled))
    this.target = grown
  }
}

/** Copies the first `length` bytes of `source` into `target` at `offset`. */
function copyInto (target: Uint8Array, offset: number, source: Uint8Array | Uint8ArrayList, length: number): void {
  if (source instanceof Uint8Array) {
    target.set(length === source.byteLength ? source : source.subarray(0, length), offset)
    return
  }
  let left = length
  for (const buf of source) {
    if (left === 0) break
    const part = buf.byteLength <= left ? buf : buf.subarray(0, left)
    target.set(part, offset)
    offset += part.byteLength
    left -= part.byteLength
  }
}
