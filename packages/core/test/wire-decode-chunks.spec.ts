import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Uint8ArrayList } from 'uint8arraylist'
import {
  blockKey, decodeMessage, encodeMessage, fastBlockKey, frame, FrameDecoder, HasherRegistry, MalformedMessageError
} from '../src/index.js'
import type { BitswapMessage, DecodedMessage } from '../src/index.js'
import { cidOf, cidV1, hash, hex, PREFIX_RAW_256, RAW, SHA2_256 } from './fixtures/wire.js'

/*
 * Decoding a message that arrived in chunks, as libp2p hands it over (a 1 MiB message as dozens of decrypted
 * frames): it must read exactly as the same bytes in one buffer, whatever the cuts, with blocks that lie inside
 * one chunk left as views of it and blocks that straddle chunks copied whole. Real protobuf bytes, from the
 * encoder, cut by hand.
 */

/** Bytes `n` long that differ from block to block. */
const dataOf = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251)

/** A raw CIDv1 sha2-256 block of `data`, hashed with node:crypto (independent of the hasher under test). */
const blockOf = (data: Uint8Array): { cid: ReturnType<typeof cidOf>, prefix: Uint8Array, data: Uint8Array } =>
  ({ cid: cidV1(RAW, SHA2_256, hash('sha256', data)), prefix: PREFIX_RAW_256, data })

function message (sizes: number[]): BitswapMessage {
  return {
    wantlist: { full: false, entries: [1, 2].map(n => ({ cid: cidOf(n), priority: n, wantType: 'block', sendDontHave: true, cancel: false })) },
    blocks: sizes.map((size, i) => blockOf(dataOf(size, i))),
    presences: [{ cid: cidOf(7), type: 'dont-have' }],
    pendingBytes: 300
  }
}

/** `bytes` cut at the given offsets, as a chunk list of views (no copies). */
function cutAt (bytes: Uint8Array, cuts: number[]): Uint8ArrayList {
  const list = new Uint8ArrayList()
  let start = 0
  for (const cut of [...cuts, bytes.byteLength]) {
    list.append(bytes.subarray(start, cut))
    start = cut
  }
  return list
}

/** `bytes` cut every `size` bytes. */
const cutEvery = (bytes: Uint8Array, size: number): Uint8ArrayList =>
  cutAt(bytes, Array.from({ length: Math.ceil(bytes.byteLength / size) - 1 }, (_, i) => (i + 1) * size))

/** A decoded message in plain terms, so two decodes compare with deepEqual. */
const plain = (m: DecodedMessage): unknown => ({
  blocks: m.blocks.map(b => [hex(b.prefix), hex(b.data)]),
  presences: m.presences.map(p => [p.cid.toString(), p.type]),
  wants: m.wantlist?.entries.map(e => [e.cid.toString(), e.priority, e.wantType, e.sendDontHave, e.cancel]),
  pendingBytes: m.pendingBytes,
  invalid: m.invalidEntries
})

describe('wire decode: messages in chunks', () => {
  it('reads the same at every single cut of a message', () => {
    const bytes = encodeMessage(message([40, 300]), '1.2.0')
    const whole = plain(decodeMessage(bytes))
    for (let cut = 0; cut <= bytes.byteLength; cut++) {
      assert.deepEqual(plain(decodeMessage(cutAt(bytes, [cut]))), whole, `cut at ${cut}`)
    }
  })

  it('reads the same cut into one-byte chunks (every varint and length prefix split)', () => {
    const bytes = encodeMessage(message([1, 200, 20_000]), '1.2.0')
    assert.deepEqual(plain(decodeMessage(cutEvery(bytes, 1))), plain(decodeMessage(bytes)))
    assert.deepEqual(plain(decodeMessage(cutEvery(bytes, 3))), plain(decodeMessage(bytes)))
  })

  it('copies a block spread over many chunks whole, and leaves a block inside one chunk as a view of it', () => {
    const big = 256 * 1024
    const bytes = encodeMessage(message([big, 1000]), '1.2.0')
    // 8 KiB chunks put the big block over 33 of them; all are views of `bytes`, so a copy has another buffer.
    const [spread, first] = decodeMessage(cutEvery(bytes, 8 * 1024)).blocks
    assert.equal(hex(spread.data), hex(dataOf(big, 0)))
    assert.equal(hex(first.data), hex(dataOf(1000, 1)))
    assert.notEqual(spread.data.buffer, bytes.buffer, 'a block over many chunks is one contiguous copy')
    // The last 1100 bytes (the small block, the presence and pendingBytes) in one chunk: that block is a view.
    const [, inside] = decodeMessage(cutAt(bytes, [bytes.byteLength - 1100])).blocks
    assert.equal(hex(inside.data), hex(dataOf(1000, 1)))
    assert.equal(inside.data.buffer, bytes.buffer, 'a block inside one chunk is a view of that chunk')
    assert.equal(Object.getPrototypeOf(inside.data), Uint8Array.prototype)
  })

  it('frames split inside their length prefix come out whole, and decode the same', () => {
    const first = encodeMessage(message([300]), '1.2.0')
    const second = encodeMessage(message([5]), '1.2.0')
    const stream = new Uint8ArrayList(frame(first), frame(second)).subarray()
    // The first prefix is two bytes (over 127): cut between them, and then in the middle of each message.
    const pieces = cutAt(stream, [1, 2, 150, stream.byteLength - 10])
    const decoder = new FrameDecoder()
    const out: Uint8ArrayList[] = []
    for (const piece of pieces) out.push(...decoder.push(piece))
    decoder.end()
    assert.equal(out.length, 2)
    assert.ok(Array.from(out[0]).length > 1, 'the first message arrives in several chunks')
    assert.deepEqual(plain(decodeMessage(out[0])), plain(decodeMessage(first)))
    assert.deepEqual(plain(decodeMessage(out[1])), plain(decodeMessage(second)))
  })

  it('a corrupt block over many chunks hashes to another key, so it is still rejected', () => {
    const hashers = new HasherRegistry()
    const block = blockOf(dataOf(100_000, 3))
    const bytes = encodeMessage({ blocks: [block], presences: [], pendingBytes: 0 }, '1.2.0')
    const good = decodeMessage(cutEvery(bytes, 4096)).blocks[0]
    assert.equal(fastBlockKey(good, hashers), blockKey(block.cid))
    const corrupt = bytes.slice()
    corrupt[corrupt.byteLength - 50_000] ^= 1
    const bad = decodeMessage(cutEvery(corrupt, 4096)).blocks[0]
    assert.notEqual(fastBlockKey(bad, hashers), blockKey(block.cid))
  })

  it('a cut-off or overrunning message in chunks is malformed, as it is in one buffer', () => {
    const bytes = encodeMessage(message([40, 300]), '1.2.0')
    for (let length = 1; length < bytes.byteLength; length += 7) {
      const cutOff = bytes.subarray(0, length)
      let whole: unknown
      try {
        decodeMessage(cutOff)
      } catch (err) {
        whole = err
      }
      let chunked: unknown
      try {
        decodeMessage(cutEvery(cutOff, 5))
      } catch (err) {
        chunked = err
      }
      assert.equal(chunked === undefined, whole === undefined, `length ${length}`)
      if (chunked !== undefined) assert.ok(chunked instanceof MalformedMessageError, `length ${length}: ${String(chunked)}`)
    }
  })
})
