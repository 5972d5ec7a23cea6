import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import {
  decodeMessage, DEFAULT_MAX_INCOMING_MESSAGE_SIZE, frame, FrameDecoder, InvalidLengthPrefixError, MalformedMessageError,
  MessageLimitError, MessageTooLargeError, readFrames, SwapwrightError, TruncatedMessageError
} from '../src/index.js'
import { hex, varint } from './fixtures/wire.js'

/*
 * Length-prefixed framing: messages cut anywhere by the transport come out whole; hostile prefixes are rejected
 * early and with a typed error; a stream cut short is reported, never silently accepted.
 */

function concat (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.byteLength
  }
  return out
}

/** Cuts `bytes` at the given points (taken modulo its length), so every chunking is reachable. */
function cut (bytes: Uint8Array, points: number[]): Uint8Array[] {
  const at = [...new Set(points.map(p => p % (bytes.byteLength + 1)))].sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let start = 0
  for (const point of at) {
    chunks.push(bytes.subarray(start, point))
    start = point
  }
  chunks.push(bytes.subarray(start))
  return chunks
}

async function collect (source: AsyncIterable<Uint8ArrayList>): Promise<string[]> {
  const out: string[] = []
  for await (const message of source) out.push(hex(message.subarray()))
  return out
}

/** The typed errors framing and decoding may end in: anything else escaping is a bug. */
const WIRE_ERRORS = [MessageTooLargeError, InvalidLengthPrefixError, TruncatedMessageError, MalformedMessageError, MessageLimitError]

function assertWireError (err: unknown): void {
  assert.ok(err instanceof SwapwrightError, `expected a SwapwrightError, got ${String(err)}`)
  assert.ok(WIRE_ERRORS.some(type => err instanceof type), `unexpected error type ${(err as Error).name}`)
}

describe('wire framing: frame', () => {
  it('puts the unsigned-varint byte length before the message', () => {
    assert.equal(hex(frame(Uint8Array.from([1, 2, 3])).subarray()), '03010203')
    const long = new Uint8Array(300).fill(7)
    const framed = frame(long).subarray()
    assert.equal(hex(framed.subarray(0, 2)), 'ac02')
    assert.equal(framed.byteLength, 302)
    assert.equal(hex(frame(new Uint8Array(0)).subarray()), '00')
  })
})

describe('wire framing: FrameDecoder and readFrames', () => {
  it('returns each message whole however the stream is chunked (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.boolean(),
      (messages, points, asLists) => {
        const stream = concat(messages.map(m => frame(m).subarray()))
        const decoder = new FrameDecoder({ maxMessageSize: 300 })
        const out: string[] = []
        for (const chunk of cut(stream, points)) {
          const input = asLists ? new Uint8ArrayList(chunk) : chunk
          for (const message of decoder.push(input)) out.push(hex(message.subarray()))
        }
        decoder.end()
        assert.deepEqual(out, messages.map(hex))
        assert.equal(decoder.buffered, 0)
      }
    ), { numRuns: 200 })
  })

  it('readFrames yields the same from an async stream, one byte at a time', async () => {
    const messages = [Uint8Array.from([1]), new Uint8Array(0), new Uint8Array(200).fill(9), Uint8Array.from([4, 5])]
    const stream = concat(messages.map(m => frame(m).subarray()))
    async function * byteByByte (): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < stream.byteLength; i++) yield stream.subarray(i, i + 1)
    }
    assert.deepEqual(await collect(readFrames(byteByByte())), messages.map(hex))
  })

  it('accepts a message of exactly the limit', () => {
    const decoder = new FrameDecoder({ maxMessageSize: 1000 })
    assert.deepEqual(decoder.push(Uint8Array.from(varint(1000))), [])
    const [message] = decoder.push(new Uint8Array(1000).fill(1))
    assert.equal(message.byteLength, 1000)
    decoder.end()
  })

  it('rejects a declared length over the limit from the prefix alone', () => {
    const decoder = new FrameDecoder({ maxMessageSize: 1000 })
    assert.throws(() => decoder.push(Uint8Array.from(varint(1001))), (err: unknown) => {
      assert.ok(err instanceof MessageTooLargeError)
      assert.equal(err.declared, 1001)
      assert.equal(err.limit, 1000)
      return true
    })
  })

  it('uses 4 MiB as the default limit', () => {
    assert.deepEqual(new FrameDecoder().push(Uint8Array.from(varint(DEFAULT_MAX_INCOMING_MESSAGE_SIZE))), [])
    assert.throws(() => new FrameDecoder().push(Uint8Array.from(varint(DEFAULT_MAX_INCOMING_MESSAGE_SIZE + 1))), MessageTooLargeError)
  })

  it('rejects an unfinished prefix as soon as it must declare more than the limit', () => {
    for (const limit of [100, 5000, DEFAULT_MAX_INCOMING_MESSAGE_SIZE]) {
      // After n bytes with the continuation bit set, a minimal varint is at least 128^n.
      let mustThrowAt = 1
      while (128 ** mustThrowAt <= limit) mustThrowAt++
      const decoder = new FrameDecoder({ maxMessageSize: limit })
      for (let n = 1; n < mustThrowAt; n++) assert.deepEqual(decoder.push(Uint8Array.from([0xff])), [], `byte ${n}, limit ${limit}`)
      assert.throws(() => decoder.push(Uint8Array.from([0xff])), MessageTooLargeError, `byte ${mustThrowAt}, limit ${limit}`)
      assert.ok(mustThrowAt <= 4, 'a five-byte prefix is never needed to decide')
    }
  })

  it('rejects an over-long varint prefix', () => {
    assert.throws(() => new FrameDecoder().push(new Uint8Array(10).fill(0xff)), InvalidLengthPrefixError)
    // With no size limit at all, the length of the prefix alone is what rejects it.
    const unlimited = new FrameDecoder({ maxMessageSize: Infinity })
    for (let i = 0; i < 8; i++) assert.deepEqual(unlimited.push(Uint8Array.from([0xff])), [])
    assert.throws(() => unlimited.push(Uint8Array.from([0xff])), InvalidLengthPrefixError)
  })

  it('rejects a prefix that is not a minimal varint, however it is chunked', () => {
    // 0x85 0x00 spells 5 with a useless zero byte; 80 80 80 80 00 spells 0 in five bytes.
    assert.throws(() => new FrameDecoder().push(Uint8Array.from([0x85, 0x00])), InvalidLengthPrefixError)
    assert.throws(() => new FrameDecoder().push(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x00])), InvalidLengthPrefixError)
    const oneByOne = new FrameDecoder()
    assert.throws(() => { for (const byte of [0x80, 0x80, 0x80, 0x80, 0x00]) oneByOne.push(Uint8Array.from([byte])) }, SwapwrightError)
  })

  it('reports a stream that ends inside a prefix or a body', async () => {
    const midPrefix = new FrameDecoder()
    midPrefix.push(Uint8Array.from([0xac]))
    assert.throws(() => midPrefix.end(), TruncatedMessageError)

    const midBody = new FrameDecoder()
    midBody.push(frame(new Uint8Array(10)).subarray().subarray(0, 8))
    assert.throws(() => midBody.end(), TruncatedMessageError)

    const prefixOnly = new FrameDecoder()
    prefixOnly.push(Uint8Array.from([0x05]))
    assert.throws(() => prefixOnly.end(), TruncatedMessageError)

    // readFrames hands out the complete messages first, then reports the cut.
    const stream = concat([frame(Uint8Array.from([1, 2])).subarray(), frame(Uint8Array.from([3, 4, 5])).subarray().subarray(0, 3)])
    const seen: string[] = []
    await assert.rejects(async () => {
      for await (const message of readFrames([stream])) seen.push(hex(message.subarray()))
    }, TruncatedMessageError)
    assert.deepEqual(seen, ['0102'])
  })

  it('an empty stream is fine and yields nothing', async () => {
    assert.deepEqual(await collect(readFrames([])), [])
    assert.deepEqual(await collect(readFrames([new Uint8Array(0), new Uint8Array(0)])), [])
  })

  it('feeds decodeMessage directly, including an empty message', async () => {
    const stream = concat([Uint8Array.from([0x00]), frame(Uint8Array.from([0x28, 0x07])).subarray()])
    const decoded = []
    for await (const message of readFrames([stream])) decoded.push(decodeMessage(message))
    assert.deepEqual(decoded.map(d => d.pendingBytes), [0, 7])
  })

  it('random bytes end in messages or a typed error, never anything else (property)', { timeout: 10_000 }, async () => {
    const streamArb = fc.oneof(
      // Pure noise, mostly failing at the prefix.
      fc.uint8Array({ maxLength: 200 }),
      // Well-framed noise, so that decodeMessage sees arbitrary bodies; sometimes cut short.
      fc.tuple(fc.array(fc.uint8Array({ maxLength: 60 }), { maxLength: 4 }), fc.nat()).map(([bodies, drop]) => {
        const bytes = concat(bodies.map(b => frame(b).subarray()))
        return bytes.subarray(0, bytes.byteLength - (drop % 3 === 0 ? drop % (bytes.byteLength + 1) : 0))
      })
    )
    await fc.assert(fc.asyncProperty(streamArb, fc.array(fc.nat(), { maxLength: 6 }), async (bytes, points) => {
      let messages = 0
      try {
        for await (const message of readFrames(cut(bytes, points), { maxMessageSize: 64 })) {
          decodeMessage(message)
          messages++
          assert.ok(messages <= bytes.byteLength, 'each message costs at least its prefix byte')
        }
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err
        assertWireError(err)
      }
    }), { numRuns: 200 })
  })
})
