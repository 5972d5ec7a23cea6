import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { AssemblingFrameDecoder, frame, FrameDecoder, MessageTooLargeError, TruncatedMessageError } from '../src/index.js'
import { hex } from './fixtures/wire.js'

/*
 * The assembling decoder copies large messages into buffers of their own as they arrive. Whatever the chunking,
 * it must yield exactly what the plain decoder yields, and reject exactly what it rejects.
 */

/** `bytes` cut at the given points, some chunks as lists of several pieces (as a muxer hands them over). */
function cut (bytes: Uint8Array, points: number[], asLists: boolean): Array<Uint8Array | Uint8ArrayList> {
  const at = [...new Set(points.map(p => p % (bytes.byteLength + 1)))].sort((a, b) => a - b)
  const chunks: Array<Uint8Array | Uint8ArrayList> = []
  let from = 0
  for (const point of [...at, bytes.byteLength]) {
    if (point <= from) continue
    const piece = bytes.subarray(from, point)
    if (asLists && piece.byteLength > 2) {
      const half = piece.byteLength >> 1
      chunks.push(new Uint8ArrayList(piece.subarray(0, half), piece.subarray(half)))
    } else {
      chunks.push(piece)
    }
    from = point
  }
  return chunks
}

function decodeAll (decoder: FrameDecoder, chunks: Array<Uint8Array | Uint8ArrayList>): string[] {
  const out: string[] = []
  for (const chunk of chunks) for (const message of decoder.push(chunk)) out.push(hex(message.subarray()))
  decoder.end()
  return out
}

const messageArb = fc.oneof(
  fc.uint8Array({ maxLength: 50 }),
  fc.integer({ min: 60, max: 3000 }).map(n => new Uint8Array(n).map((_, i) => (i * 7 + n) % 256))
)

describe('wire framing: AssemblingFrameDecoder', () => {
  it('yields what FrameDecoder yields, however the stream is cut', () => {
    fc.assert(fc.property(
      fc.array(messageArb, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(), fc.integer({ min: 1, max: 200 }),
      (messages, points, asLists, assembleFrom) => {
        const stream = new Uint8ArrayList(...messages.map(m => frame(m))).subarray()
        const expected = messages.map(hex)
        assert.deepEqual(decodeAll(new FrameDecoder(), cut(stream, points, asLists)), expected)
        assert.deepEqual(decodeAll(new AssemblingFrameDecoder({ assembleFrom }), cut(stream, points, asLists)), expected)
      }), { numRuns: 500 })
  })

  it('hands a large message over as one contiguous chunk', () => {
    const big = new Uint8Array(200_000).map((_, i) => i % 251)
    const decoder = new AssemblingFrameDecoder()
    const out = cut(frame(big).subarray(), [10, 70_000, 140_000], true).flatMap(chunk => decoder.push(chunk))
    assert.equal(out.length, 1)
    assert.equal([...out[0]].length, 1, 'one buffer, not the chunks it arrived in')
    assert.equal(hex(out[0].subarray()), hex(big))
    assert.equal(decoder.buffered, 0)
  })

  it('rejects a stream that ends inside a large message, and an oversized length', () => {
    const decoder = new AssemblingFrameDecoder({ assembleFrom: 10 })
    decoder.push(frame(new Uint8Array(100)).subarray(0, 50))
    assert.equal(decoder.buffered, 49)
    assert.throws(() => { decoder.end() }, TruncatedMessageError)
    assert.throws(() => new AssemblingFrameDecoder({ maxMessageSize: 100 }).push(frame(new Uint8Array(101)).subarray(0, 3)), MessageTooLargeError)
  })
})

describe('wire framing: buffers grow with the bytes that arrived', () => {
  it('holds a few KiB, not 4 MiB, for a prefix announcing 4 MiB', () => {
    const decoder = new AssemblingFrameDecoder()
    const announced = 4 * 1024 * 1024
    // 2 x 128^3 = 4 MiB, as a minimal varint.
    assert.deepEqual(decoder.push(Uint8Array.of(0x80, 0x80, 0x80, 0x02)), [])
    assert.equal(decoder.declaredLength, announced)
    assert.ok(decoder.inMessage)
    assert.ok(decoder.allocated <= 4096, `allocated ${decoder.allocated} bytes for an empty body`)
    decoder.push(new Uint8Array(100_000))
    assert.ok(decoder.allocated < 256 * 1024, `allocated ${decoder.allocated} bytes for 100,000 that arrived`)
    assert.throws(() => { decoder.end() }, TruncatedMessageError)
  })

  it('still yields a large message whole, byte-exact, after growing in steps', () => {
    const body = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) % 251)
    const framed = frame(body).subarray()
    const decoder = new AssemblingFrameDecoder()
    const out = []
    for (let at = 0; at < framed.byteLength; at += 65_536) out.push(...decoder.push(framed.subarray(at, at + 65_536)))
    decoder.end()
    assert.equal(out.length, 1)
    assert.equal(out[0].byteLength, body.byteLength)
    assert.deepEqual(out[0].subarray(), body)
    assert.equal(decoder.inMessage, false)
  })
})
