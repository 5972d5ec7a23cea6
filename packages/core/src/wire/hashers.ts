import { blake2b } from '@noble/hashes/blake2.js'
import { blake3 } from '@noble/hashes/blake3.js'
import { sha3_256 as nobleSha3_256, sha3_512 as nobleSha3_512 } from '@noble/hashes/sha3.js'
import { from } from 'multiformats/hashes/hasher'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import type { MultihashHasher } from 'multiformats/hashes/interface'

/*
 * The hash functions valid IPFS content commonly uses beyond sha2. They come from one audited, dependency-free
 * library (@noble/hashes, pure JS, also in browsers) wrapped with multiformats' `from`, so core needs no plugin
 * package for them. Codes are from the multicodec table.
 */

/** blake2b with a 32-byte digest (multihash 0xb220), as `ipfs add --hash blake2b-256` writes. */
export const blake2b256: MultihashHasher<0xb220> = from({
  name: 'blake2b-256', code: 0xb220, encode: bytes => blake2b(bytes, { dkLen: 32 })
})

export const sha3_256: MultihashHasher<0x16> = from({ name: 'sha3-256', code: 0x16, encode: bytes => nobleSha3_256(bytes) })

export const sha3_512: MultihashHasher<0x14> = from({ name: 'sha3-512', code: 0x14, encode: bytes => nobleSha3_512(bytes) })

/** blake3 with its default 32-byte output (multihash 0x1e). */
export const blake3_256: MultihashHasher<0x1e> = from({
  name: 'blake3', code: 0x1e, encode: bytes => blake3(bytes, { dkLen: 32 }), maxDigestLength: 32
})

/**
 * The hashers a node verifies blocks with unless its `hashers` option says otherwise: sha2-256, sha2-512,
 * blake2b-256, sha3-256, sha3-512 and blake3. A fresh array each call: nothing here is shared or mutable.
 */
export function commonHashers (): MultihashHasher[] {
  return [sha256, sha512, blake2b256, sha3_256, sha3_512, blake3_256]
}
