import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import {
  downgradeMessage, encodeForPeer, encodeForPeerChunked, encodeMessage, encodeMessageChunks, REFERENCED_BLOCK_SIZE
} from '../src/index.js'
import type { BitswapMessage, BlockPayload, ProtocolVersion } from '../src/index.js'
import { cidV0, cidV1, int32Arb, PREFIX_RAW_256, PREFIX_V0, presenceArb, wantArb } from './fixtures/wire.js'

/*
 * The chunked encoder writes large blocks by reference. Whatever it does, the bytes must be exactly those of the
 * plain encoder, and the large blocks must be the caller's own bytes, not copies.
 */

const VERSIONS: ProtocolVersion[] = ['1.2.0', '1.1.0', '1.0.0']

const cidArb: fc.Arbitrary<CID> = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map(d => cidV0(d)),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map(d => cidV1(0x55, 0x12, d))
)

/** Blocks on both sides of the reference threshold, including empty data and prefixes. */
const blockArb: fc.Arbitrary<BlockPayload> = fc.record({
  prefix: fc.oneof(fc.constantFrom(PREFIX_V0, PREFIX_RAW_256, new Uint8Array(0)), fc.uint8Array({ maxLength: 6 })),
  data: fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.constantFrom(REFERENCED_BLOCK_SIZE - 1, REFERENCED_BLOCK_SIZE, REFERENCED_BLOCK_SIZE + 1, 70_000, 300_000)
      .map(n => new Uint8Array(n).fill(n % 251))
  )
})

const messageArb: fc.Arbitrary<BitswapMessage> = fc.record({
  wantlist: fc.option(fc.record({
    entries: fc.array(wantArb(cidArb, fc.oneof(fc.integer({ min: 0, max: 300 }), int32Arb)), { maxLength: 8 }),
    full: fc.boolean()
  }), { nil: undefined }),
  blocks: fc.array(blockArb, { maxLength: 6 }),
  presences: fc.array(presenceArb(cidArb), { maxLength: 6 }),
  pendingBytes: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constant(-5))
})

describe('chunked encoding', () => {
  it('is byte for byte the plain encoding, for every version', () => {
    fc.assert(fc.property(messageArb, fc.constantFrom(...VERSIONS), (message, version) => {
      const fitted = downgradeMessage(message, version).message
      assert.deepEqual(encodeMessageChunks(fitted, version).subarray(), encodeMessage(fitted, version))
    }), { numRuns: 300 })
  })

  it('splits and encodes for a peer exactly as the plain path does', () => {
    fc.assert(fc.property(messageArb, fc.constantFrom(...VERSIONS), (message, version) => {
      const options = { targetSize: 64 * 1024 }
      const plain = encodeForPeer(message, version, options)
      const chunked = encodeForPeerChunked(message, version, options)
      assert.deepEqual(chunked.map(part => part.subarray()), plain)
    }), { numRuns: 200 })
  })

  it('references large blocks in place and copies small ones', () => {
    const large = new Uint8Array(REFERENCED_BLOCK_SIZE * 4).fill(7)
    const small = new Uint8Array(100).fill(9)
    const message: BitswapMessage = {
      blocks: [{ prefix: PREFIX_RAW_256, data: large }, { prefix: PREFIX_RAW_256, data: small }],
      presences: [],
      pendingBytes: 12
    }
    for (const version of VERSIONS) {
      const chunks = [...encodeMessageChunks(message, version)]
      assert.ok(chunks.includes(large), `${version}: the large block is one of the chunks, not a copy`)
      assert.ok(!chunks.includes(small), `${version}: the small block is copied in`)
    }
  })
})
