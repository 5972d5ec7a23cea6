import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { AssemblingFrameDecoder, frame, RecyclingAssemblyPool, sizeClass } from '../src/index.js'
import { hex } from './fixtures/wire.js'

/*
 * Assembly buffers go round: a buffer handed back is given out again, only buffers the pool made are taken back,
 * and a decoder drawing on the pool yields the same messages as one that allocates, even when every message's
 * buffer is handed back as soon as it has been read.
 */

describe('wire framing: RecyclingAssemblyPool', () => {
  it('rounds sizes up by at most an eighth', () => {
    for (const size of [1, 4096, 4097, 5000, 65_536, 330_000, 4 * 1024 * 1024]) {
      const capacity = sizeClass(size)
      assert.ok(capacity >= size && capacity >= 4096, `${size} -> ${capacity}`)
      assert.ok(size <= 4096 || capacity <= size * 1.125, `${size} -> ${capacity}`)
    }
    assert.equal(sizeClass(310_000), sizeClass(320_000), 'messages of about the same size share a class')
  })

  it('gives a buffer handed back out again, and takes back only its own, once', () => {
    const pool = new RecyclingAssemblyPool(1 << 20)
    const first = pool.take(100_000)
    assert.ok(first.byteLength >= 100_000)
    pool.give(first.subarray(0, 100_000))
    assert.equal(pool.pooledBytes, first.byteLength)
    pool.give(first)
    assert.equal(pool.pooledBytes, first.byteLength, 'a second hand-back of the same buffer is ignored')
    assert.equal(pool.take(99_000).buffer, first.buffer)
    assert.equal(pool.pooledBytes, 0)
    pool.give(new Uint8Array(first.byteLength))
    pool.give(first.subarray(1))
    assert.equal(pool.pooledBytes, 0, 'foreign buffers and views past the first byte are not taken')
  })

  it('keeps no more free bytes than its limit', () => {
    const pool = new RecyclingAssemblyPool(300_000)
    const buffers = [pool.take(200_000), pool.take(200_000)]
    for (const buffer of buffers) pool.give(buffer)
    assert.equal(pool.pooledBytes, buffers[0].byteLength)
  })

  it('feeds a decoder that yields what a plain one yields, with each message handed back once read', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: 12_000 }), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 30 }),
      (sizes, points) => {
        const messages = sizes.map((n, k) => new Uint8Array(n).map((_, i) => (i * 13 + k * 7 + n) % 256))
        const stream = new Uint8ArrayList(...messages.map(m => frame(m))).subarray()
        const at = [...new Set(points.map(p => p % (stream.byteLength + 1)))].sort((a, b) => a - b)
        const pool = new RecyclingAssemblyPool(1 << 20)
        const decoder = new AssemblingFrameDecoder({ assembleFrom: 1000, buffers: pool })
        const out: string[] = []
        let from = 0
        for (const point of [...at, stream.byteLength]) {
          if (point <= from) continue
          for (const message of decoder.push(stream.subarray(from, point))) {
            out.push(hex(message.subarray()))
            for (const chunk of message) pool.give(chunk)
          }
          from = point
        }
        decoder.end()
        assert.deepEqual(out, messages.map(hex))
      }), { numRuns: 100 })
  })

  it('reuses one buffer for a run of large messages read one after another', () => {
    const pool = new RecyclingAssemblyPool(1 << 20)
    const decoder = new AssemblingFrameDecoder({ buffers: pool })
    const seen = new Set<ArrayBufferLike>()
    for (let k = 0; k < 5; k++) {
      const bytes = frame(new Uint8Array(300_000).fill(k)).subarray()
      // In two pieces, as a stream hands a large message over: the rest is assembled as it comes.
      assert.deepEqual(decoder.push(bytes.subarray(0, 70_000)), [])
      const [message] = decoder.push(bytes.subarray(70_000))
      assert.equal(message.get(299_999), k)
      for (const chunk of message) {
        seen.add(chunk.buffer)
        pool.give(chunk)
      }
    }
    assert.equal(seen.size, 1)
  })

  it('copies a large message that came whole in several chunks into a pool buffer', () => {
    const pool = new RecyclingAssemblyPool(1 << 20)
    const decoder = new AssemblingFrameDecoder({ buffers: pool })
    const bytes = frame(new Uint8Array(200_000).map((_, i) => i % 253)).subarray()
    // All at once, as a muxer hands over what it buffered while the reader was paused.
    const [message] = decoder.push(new Uint8ArrayList(bytes.subarray(0, 65_536), bytes.subarray(65_536, 131_072), bytes.subarray(131_072)))
    assert.equal([...message].length, 1)
    assert.equal(hex(message.subarray()), hex(bytes.subarray(bytes.byteLength - 200_000)))
    for (const chunk of message) pool.give(chunk)
    assert.ok(pool.pooledBytes >= 200_000, 'the copy is a pool buffer, handed back')
  })
})
