import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto'
import { defaultCrypto } from '@libp2p/noise/crypto'
import { Uint8ArrayList } from 'uint8arraylist'
import type { ICryptoInterface } from '@libp2p/noise'

const CIPHER = 'chacha20-poly1305'
const TAG_LENGTH = 16
/** Noise's HKDF gives three 32-byte keys at once (chaining key, and the cipher keys or the next chaining key). */
const HKDF_KEY = 32
const NO_INFO = new Uint8Array(0)
/** Below this many bytes noise's own choice (a WebAssembly cipher) is the faster one; above it, Node's. */
const NATIVE_FROM = 1200

/**
 * A connection's two keys live as long as the connection and are used for every frame. Node turns a raw key into
 * a key object on every cipher it makes; made once per key here instead (a fetcher's profile had that at 4.7 % of
 * its CPU time). Keyed weakly by the key's bytes object, which noise keeps for the life of the connection.
 */
const keys = new WeakMap<Uint8Array, KeyObject>()

function keyObject (k: Uint8Array): KeyObject {
  let key = keys.get(k)
  if (key == null) {
    key = createSecretKey(k)
    keys.set(k, key)
  }
  return key
}

/**
 * Noise's default crypto for Node with the ChaCha20-Poly1305 of large frames through cached key objects: the same
 * bytes on the wire, less work per frame, and a native HKDF in the handshake. Small frames and the rest of the
 * handshake are noise's own.
 */
export const nodeNoiseCrypto: ICryptoInterface = {
  ...defaultCrypto,
  // Noise's HKDF is the standard one (salt the chaining key, no info) and Node has it natively. Noise's own is
  // JavaScript SHA-256, run only during handshakes, so always cold: a fetcher's profile had a third of its
  // handshake (~10 ms of every start of a get) in it; a server pays it for every connection.
  getHKDF (ck, ikm) {
    const okm = new Uint8Array(hkdfSync('sha256', ikm, ck, NO_INFO, 3 * HKDF_KEY))
    return [okm.subarray(0, HKDF_KEY), okm.subarray(HKDF_KEY, 2 * HKDF_KEY), okm.subarray(2 * HKDF_KEY)]
  },
  chaCha20Poly1305Encrypt (plaintext, nonce, ad, k) {
    if (plaintext.byteLength < NATIVE_FROM) return defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)
    const cipher = createCipheriv(CIPHER, keyObject(k), nonce, { authTagLength: TAG_LENGTH })
    cipher.setAAD(ad, { plaintextLength: plaintext.byteLength })
    const output = new Uint8ArrayList()
    if (plaintext instanceof Uint8Array) output.append(cipher.update(plaintext))
    else for (const chunk of plaintext) output.append(cipher.update(chunk))
    const final = cipher.final()
    if (final.byteLength > 0) output.append(final)
    output.append(cipher.getAuthTag())
    return output
  },
  chaCha20Poly1305Decrypt (ciphertext, nonce, ad, k, dst) {
    if (ciphertext.byteLength < NATIVE_FROM) return defaultCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst)
    const length = ciphertext.byteLength - TAG_LENGTH
    const decipher = createDecipheriv(CIPHER, keyObject(k), nonce, { authTagLength: TAG_LENGTH })
    decipher.setAAD(ad, { plaintextLength: length })
    decipher.setAuthTag(ciphertext.subarray(length))
    if (ciphertext instanceof Uint8Array) {
      const output = decipher.update(ciphertext.subarray(0, length))
      const final = decipher.final()
      return final.byteLength > 0 ? new Uint8ArrayList(output, final) : output
    }
    const output = new Uint8ArrayList()
    for (const chunk of ciphertext.sublist(0, length)) output.append(decipher.update(chunk))
    const final = decipher.final()
    if (final.byteLength > 0) output.append(final)
    return output
  }
}
