import { Uint8ArrayList } from 'uint8arraylist'
import * as varint from 'uint8-varint'
import { DEFAULT_MAX_INCOMING_MESSAGE_SIZE } from '../constants.js'
import { InvalidLengthPrefixError, MessageTooLargeError, TruncatedMessageError } from '../errors.js'

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
