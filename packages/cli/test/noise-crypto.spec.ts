import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { defaultCrypto } from '@libp2p/noise/crypto'
import { Uint8ArrayList } from 'uint8arraylist'
import { nodeNoiseCrypto } from '../src/noise-crypto.js'

// Compared as Buffers: the implementations differ in which byte-array class they return, not in the bytes.
const bytes = (data: Uint8Array | Uint8ArrayList): Buffer => Buffer.from(data instanceof Uint8Array ? data : data.subarray())

describe('nodeNoiseCrypto', () => {
  const k = randomBytes(32)
  const ad = randomBytes(32)
  // Below and above the size where the native cipher takes over, a frame's largest, and in one piece or several.
  for (const size of [0, 100, 1199, 1200, 4096, 65519]) {
    for (const split of [false, true]) {
      it(`seals and opens ${size} bytes${split ? ' given as a chunk list' : ''} exactly as noise's own crypto does`, () => {
        const nonce = randomBytes(12)
        const plain = randomBytes(size)
        const input = split && size > 12 ? new Uint8ArrayList(plain.subarray(0, 12), plain.subarray(12)) : plain
        const ours = bytes(nodeNoiseCrypto.chaCha20Poly1305Encrypt(input, nonce, ad, k))
        const theirs = bytes(defaultCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k))
        assert.deepEqual(ours, theirs)
        const sealed = split && size > 12 ? new Uint8ArrayList(ours.subarray(0, 7), ours.subarray(7)) : ours
        assert.deepEqual(bytes(nodeNoiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, ad, k)), Buffer.from(plain))
      })
    }
  }

  for (const ikmSize of [0, 32]) {
    it(`derives the same three keys as noise's own HKDF from ${ikmSize === 0 ? 'an empty' : 'a 32-byte'} input key`, () => {
      const ck = randomBytes(32)
      const ikm = randomBytes(ikmSize)
      assert.deepEqual(nodeNoiseCrypto.getHKDF(ck, ikm).map(bytes), defaultCrypto.getHKDF(ck, ikm).map(bytes))
    })
  }

  it('refuses a frame whose tag does not match, as noise does', () => {
    const nonce = randomBytes(12)
    const sealed = bytes(nodeNoiseCrypto.chaCha20Poly1305Encrypt(randomBytes(4096), nonce, ad, k)).slice()
    sealed[100] ^= 1
    assert.throws(() => nodeNoiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, ad, k))
  })

  it('keeps the keys of different connections apart', () => {
    const nonce = randomBytes(12)
    const other = randomBytes(32)
    const plain = randomBytes(2048)
    const sealed = bytes(nodeNoiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k))
    assert.notDeepEqual(bytes(nodeNoiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, other)), sealed)
    assert.throws(() => nodeNoiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, ad, other))
  })
})
