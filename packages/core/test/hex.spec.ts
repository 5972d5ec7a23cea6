import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { fromHex, toHex } from '../src/util/hex.js'
import { blockKey } from '../src/wire/prefix.js'

describe('toHex', () => {
  it('matches a reference encoding at every length, past the chunk size too', () => {
    for (const length of [0, 1, 2, 31, 32, 34, 130, 4095, 4096, 4097, 10_000]) {
      const bytes = crypto.getRandomValues(new Uint8Array(length))
      const reference = Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
      assert.equal(toHex(bytes), reference, `length ${length}`)
    }
  })

  it('reads a view, not the whole buffer behind it', () => {
    const backing = new Uint8Array([0xaa, 0x01, 0xff, 0xbb])
    assert.equal(toHex(backing.subarray(1, 3)), '01ff')
  })
})

describe('fromHex', () => {
  it('reverses toHex from any even offset, and refuses what is not lower-case hex', () => {
    const bytes = crypto.getRandomValues(new Uint8Array(34))
    assert.deepEqual(fromHex(toHex(bytes)), bytes)
    assert.deepEqual(fromHex(`112:${toHex(bytes)}`, 4), bytes)
    for (const bad of ['0A', 'g0', '0:', '/0']) assert.throws(() => fromHex(bad), /Not a lower-case hex digit/)
  })
})

describe('blockKey', () => {
  it('keeps no property on the CID it keys, and gives equal keys for a CIDv0 and its CIDv1 twin', async () => {
    const digest = await sha256.digest(new TextEncoder().encode('key me'))
    const v0 = CID.createV0(digest)
    const v1 = CID.createV1(0x70, digest)
    const before = Reflect.ownKeys(v1)
    assert.equal(blockKey(v0), blockKey(v1))
    assert.equal(blockKey(v1), `112:${toHex(digest.bytes)}`)
    assert.deepEqual(Reflect.ownKeys(v1), before, 'blockKey wrote onto a CID it does not own')
    assert.equal(blockKey(Object.freeze(CID.createV1(0x55, digest))), `85:${toHex(digest.bytes)}`)
  })
})
