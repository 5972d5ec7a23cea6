import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { blake2b } from '@noble/hashes/blake2.js'
import { blake3 } from '@noble/hashes/blake3.js'
import { sha3_256 as nobleSha3_256, sha3_512 as nobleSha3_512 } from '@noble/hashes/sha3.js'
import { from } from 'multiformats/hashes/hasher'
import type { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import {
  blockKey, BlockVerificationError, cidOfBlock, decodePrefix, HasherRegistry, InvalidPrefixError, sameBlock, toCidV0,
  UnknownHashError, verifyBlock
} from '../src/index.js'
import type { BlockPayload } from '../src/index.js'
import { blockCid, blockCidOfFastKey, fastBlockKey } from '../src/wire/verify.js'
import { cidV0, cidV1, DAG_CBOR, DAG_PB, hash, RAW, SHA2_256, SHA2_512, text, varint } from './fixtures/wire.js'

/*
 * Block verification: a received block is accepted only when its bytes hash to exactly the CID we wanted.
 * Expected CIDs are built from node:crypto digests and prefixes written out by hand.
 */

const IDENTITY = 0x00
const SHA1 = 0x11
const BLAKE3 = 0x1e

/** One node's hashers (the shipped set), as every verification call names its own. */
const hashers = new HasherRegistry()

const block = (prefix: number[], data: Uint8Array): BlockPayload => ({ prefix: Uint8Array.from(prefix), data })

const data = text('the quick brown fox jumps over the lazy dog')

describe('wire verify: blocks that match', () => {
  it('a sha2-256 raw CIDv1 block', async () => {
    const wanted = cidV1(RAW, SHA2_256, hash('sha256', data))
    const received = block([1, RAW, SHA2_256, 32], data)
    assert.equal((await cidOfBlock(received, hashers)).toString(), wanted.toString())
    assert.equal(await verifyBlock(received, wanted, hashers), wanted)
  })

  it('a dag-pb CIDv0 block, wanted as CIDv0 or as its CIDv1 twin', async () => {
    const v0 = cidV0(hash('sha256', data))
    const v1 = cidV1(DAG_PB, SHA2_256, hash('sha256', data))
    const received = block([0, DAG_PB, SHA2_256, 32], data)
    assert.equal((await cidOfBlock(received, hashers)).toString(), v0.toString())
    assert.equal(await verifyBlock(received, v0, hashers), v0)
    assert.equal(await verifyBlock(received, v1, hashers), v1)
    // And the other way round: sent with a CIDv1 prefix, wanted as CIDv0.
    assert.equal(await verifyBlock(block([1, DAG_PB, SHA2_256, 32], data), v0, hashers), v0)
  })

  it('a sha2-512 block, full length and truncated', async () => {
    const full = hash('sha512', data)
    const wanted = cidV1(RAW, SHA2_512, full)
    assert.equal(await verifyBlock(block([1, RAW, SHA2_512, 64], data), wanted, hashers), wanted)
    const truncated = cidV1(DAG_CBOR, SHA2_512, full.slice(0, 20))
    assert.equal(await verifyBlock(block([1, DAG_CBOR, SHA2_512, 20], data), truncated, hashers), truncated)
  })

  it('an empty block', async () => {
    const wanted = cidV1(RAW, SHA2_256, hash('sha256', new Uint8Array(0)))
    assert.equal(await verifyBlock(block([1, RAW, SHA2_256, 32], new Uint8Array(0)), wanted, hashers), wanted)
  })

  it('a node verifies with its own hashers only: none is shared or added behind its back', async () => {
    const sha1 = from({ name: 'sha1', code: SHA1, encode: (input: Uint8Array) => hash('sha1', input) })
    const withSha1 = new HasherRegistry([sha1])
    const wanted = cidV1(RAW, SHA1, hash('sha1', data))
    assert.equal(await verifyBlock(block([1, RAW, SHA1, 20], data), wanted, withSha1), wanted)
    await assert.rejects(verifyBlock(block([1, RAW, SHA1, 20], data), wanted, hashers), UnknownHashError)
    const sha256Only = cidV1(RAW, SHA2_256, hash('sha256', data))
    await assert.rejects(verifyBlock(block([1, RAW, SHA2_256, 32], data), sha256Only, withSha1), UnknownHashError, 'the sha1-only node has no sha2-256')
    assert.equal(await verifyBlock(block([1, RAW, SHA2_256, 32], data), sha256Only, hashers), sha256Only)
  })

  it('the shipped hashers verify blake2b-256, sha3-256, sha3-512 and blake3 content', async () => {
    for (const [code, digest] of [
      [0xb220, blake2b(data, { dkLen: 32 })], [0x16, nobleSha3_256(data)], [0x14, nobleSha3_512(data)], [0x1e, blake3(data)]
    ] as const) {
      const wanted = cidV1(RAW, code, digest)
      const prefix = [...varint(1), ...varint(RAW), ...varint(code), ...varint(digest.byteLength)]
      assert.equal(await verifyBlock(block(prefix, data), wanted, hashers), wanted, `code 0x${code.toString(16)}`)
      await assert.rejects(verifyBlock(block(prefix, text('other')), wanted, hashers), BlockVerificationError)
    }
    assert.deepEqual(hashers.codes().sort((a, b) => a - b), [0x12, 0x13, 0x14, 0x16, 0x1e, 0xb220])
  })

  it('any block verifies against the CID of its own bytes (property)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.uint8Array({ maxLength: 256 }),
      fc.constantFrom(RAW, DAG_PB, DAG_CBOR),
      fc.constantFrom(['sha256', SHA2_256, 32, 32], ['sha512', SHA2_512, 64, 64], ['sha512', SHA2_512, 64, 32], ['sha256', SHA2_256, 32, 20]),
      async (bytes, codec, [algorithm, code, size, length]) => {
        const digest = hash(algorithm as string, bytes).slice(0, length as number)
        assert.equal(digest.byteLength, Math.min(size as number, length as number))
        const wanted = cidV1(codec, code as number, digest)
        await verifyBlock(block([1, codec, code as number, length as number], bytes), wanted, hashers)
        const flipped = bytes.length === 0 ? Uint8Array.from([1]) : Uint8Array.from(bytes, (b, i) => i === 0 ? b ^ 1 : b)
        await assert.rejects(verifyBlock(block([1, codec, code as number, length as number], flipped), wanted, hashers), BlockVerificationError)
      }
    ), { numRuns: 100 })
  })
})

describe('wire verify: blocks that do not match', () => {
  const wanted = cidV1(RAW, SHA2_256, hash('sha256', data))

  it('wrong digest: one byte of the data flipped', async () => {
    const tampered = data.slice()
    tampered[5] ^= 0x01
    await assert.rejects(verifyBlock(block([1, RAW, SHA2_256, 32], tampered), wanted, hashers), BlockVerificationError)
  })

  it('wrong hash function: the prefix says sha2-512 but we wanted sha2-256', async () => {
    await assert.rejects(verifyBlock(block([1, RAW, SHA2_512, 64], data), wanted, hashers), BlockVerificationError)
    // Even truncated to 32 bytes, a sha2-512 digest is not a sha2-256 one.
    await assert.rejects(verifyBlock(block([1, RAW, SHA2_512, 32], data), wanted, hashers), BlockVerificationError)
  })

  it('wrong digest length: a truncated digest is not the full one, nor the other way round', async () => {
    await assert.rejects(verifyBlock(block([1, RAW, SHA2_256, 20], data), wanted, hashers), BlockVerificationError)
    const truncatedWant = cidV1(RAW, SHA2_256, hash('sha256', data).slice(0, 20))
    await assert.rejects(verifyBlock(block([1, RAW, SHA2_256, 32], data), truncatedWant, hashers), BlockVerificationError)
  })

  it('a digest length the hash function cannot produce', async () => {
    await assert.rejects(verifyBlock(block([1, RAW, SHA2_256, 64], data), wanted, hashers), BlockVerificationError)
    await assert.rejects(verifyBlock(block([1, RAW, SHA2_256, 4], data), wanted, hashers), BlockVerificationError)
  })

  it('different codec, same digest', async () => {
    await assert.rejects(verifyBlock(block([1, DAG_CBOR, SHA2_256, 32], data), wanted, hashers), BlockVerificationError)
    const pbWanted = cidV1(DAG_PB, SHA2_256, hash('sha256', data))
    await assert.rejects(verifyBlock(block([1, RAW, SHA2_256, 32], data), pbWanted, hashers), BlockVerificationError)
    // A CIDv0 is dag-pb: a raw block with the same digest is a different block.
    await assert.rejects(verifyBlock(block([1, RAW, SHA2_256, 32], data), cidV0(hash('sha256', data)), hashers), BlockVerificationError)
  })

  it('identity CIDs, which prove nothing', async () => {
    const identity = cidV1(RAW, IDENTITY, data)
    await assert.rejects(verifyBlock(block([1, RAW, IDENTITY, data.byteLength], data), identity, hashers), BlockVerificationError)
    await assert.rejects(cidOfBlock(block([1, RAW, IDENTITY, data.byteLength], data), hashers), BlockVerificationError)
    // Nor does a correctly hashed block satisfy a want for an identity CID.
    await assert.rejects(verifyBlock(block([1, RAW, SHA2_256, 32], data), identity, hashers), BlockVerificationError)
  })

  it('an unknown hash function throws UnknownHashError naming the code', async () => {
    const sha2Only = new HasherRegistry([sha256])
    await assert.rejects(verifyBlock(block([1, RAW, BLAKE3, 32], data), wanted, sha2Only), (err: unknown) => {
      assert.ok(err instanceof UnknownHashError)
      assert.equal(err.hashCode, BLAKE3)
      assert.match(err.message, /0x1e/)
      return true
    })
  })

  it('a malformed prefix throws InvalidPrefixError', async () => {
    const bad = [
      [], // nothing
      [1, RAW, SHA2_256], // three fields
      [1, RAW, SHA2_256, 32, 0], // trailing byte
      [1, RAW, SHA2_256, 0x80], // unterminated varint
      [2, RAW, SHA2_256, 32], // no CID version 2
      [0, RAW, SHA2_256, 32], // CIDv0 must be dag-pb
      [0, DAG_PB, SHA2_512, 64], // CIDv0 must be sha2-256
      [0, DAG_PB, SHA2_256, 20], // CIDv0 must have 32 bytes
      [1, RAW, SHA2_512, 0x81, 0x01] // 129-byte digest
    ]
    for (const prefix of bad) {
      assert.throws(() => decodePrefix(Uint8Array.from(prefix)), InvalidPrefixError, `prefix ${prefix.join(',')}`)
      await assert.rejects(verifyBlock(block(prefix, data), wanted, hashers), InvalidPrefixError, `prefix ${prefix.join(',')}`)
    }
  })

  it('parses the prefixes it accepts into their four fields', () => {
    assert.deepEqual(decodePrefix(Uint8Array.from([0, DAG_PB, SHA2_256, 32])), { version: 0, codec: DAG_PB, multihashCode: SHA2_256, digestLength: 32 })
    assert.deepEqual(decodePrefix(Uint8Array.from([0x01, 0xa9, 0x02, 0xa0, 0xe4, 0x02, 0x20])), { version: 1, codec: 0x0129, multihashCode: 0xb220, digestLength: 32 })
    assert.deepEqual(decodePrefix(Uint8Array.from([1, RAW, SHA2_512, 0x80, 0x01])), { version: 1, codec: RAW, multihashCode: SHA2_512, digestLength: 128 })
  })
})

describe('wire verify: block identity', () => {
  const digest = hash('sha256', data)
  const v0 = cidV0(digest)
  const pbV1 = cidV1(DAG_PB, SHA2_256, digest)

  it('a CIDv0 and its CIDv1 twin are the same block, with the same key', () => {
    assert.equal(sameBlock(v0, pbV1), true)
    assert.equal(sameBlock(pbV1, v0), true)
    assert.equal(blockKey(v0), blockKey(pbV1))
  })

  it('codec, hash function, length and digest all tell blocks apart', () => {
    const others = [
      cidV1(RAW, SHA2_256, digest),
      cidV1(DAG_PB, SHA2_512, digest),
      cidV1(DAG_PB, SHA2_256, digest.slice(0, 20)),
      cidV1(DAG_PB, SHA2_256, Uint8Array.from(digest, (b, i) => i === 31 ? b ^ 0x80 : b))
    ]
    for (const other of others) {
      assert.equal(sameBlock(pbV1, other), false, other.toString())
      assert.notEqual(blockKey(pbV1), blockKey(other), other.toString())
    }
  })

  it('blockKey agrees with sameBlock (property)', () => {
    const cidArb = fc.record({
      v0: fc.boolean(),
      codec: fc.constantFrom(RAW, DAG_PB),
      code: fc.constantFrom(SHA2_256, SHA2_512),
      digest: fc.constantFrom(digest, digest.slice(0, 20), hash('sha256', new Uint8Array(1)))
    }).map(({ v0, codec, code, digest }) => v0 && codec === DAG_PB && code === SHA2_256 && digest.byteLength === 32
      ? cidV0(digest)
      : cidV1(codec, code, digest))
    fc.assert(fc.property(cidArb, cidArb, (a, b) => {
      const same = a.code === b.code && a.multihash.code === b.multihash.code && a.multihash.size === b.multihash.size &&
        Buffer.from(a.multihash.digest).equals(Buffer.from(b.multihash.digest))
      assert.equal(sameBlock(a, b), same)
      assert.equal(blockKey(a) === blockKey(b), same)
    }), { numRuns: 200 })
  })

  it('the CID built from a fast key is the CID hashing gives, for CIDv0 and CIDv1 prefixes, and keeps that key', () => {
    for (const prefix of [[0, DAG_PB, SHA2_256, 32], [1, RAW, SHA2_256, 32], [1, DAG_PB, SHA2_256, 32]]) {
      const received = block(prefix, data)
      const key = fastBlockKey(received, hashers)
      assert.ok(key !== undefined)
      const built = blockCidOfFastKey(received, key, hashers)
      const hashed = blockCid(received, hashers) as CID
      assert.ok(built.equals(hashed), `${hashed.toString()} from ${prefix.join(',')}`)
      assert.equal(built.version, hashed.version)
      assert.equal(blockKey(built), key)
      assert.equal(blockKey(hashed), key)
    }
  })

  it('toCidV0 finds the twin only for dag-pb with a 32-byte sha2-256 digest', () => {
    assert.equal(toCidV0(pbV1)?.toString(), v0.toString())
    assert.equal(toCidV0(v0), v0)
    assert.equal(toCidV0(cidV1(RAW, SHA2_256, digest)), undefined)
    assert.equal(toCidV0(cidV1(DAG_PB, SHA2_512, hash('sha512', data))), undefined)
    assert.equal(toCidV0(cidV1(DAG_PB, SHA2_256, digest.slice(0, 20))), undefined)
  })
})
