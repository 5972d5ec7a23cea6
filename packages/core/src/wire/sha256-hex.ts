import { sha256 } from 'multiformats/hashes/sha2'
import { toHex } from '../util/hex.js'

/*
 * The hex of a sha2-256 digest, when it can be had synchronously. This is the portable variant, chosen by the
 * package's `#sha256-hex` import everywhere but Node: multiformats' hasher answers at once where it hashes in
 * JavaScript and with a promise where it uses WebCrypto (browsers); then the caller takes the general path.
 * Node gets `sha256-hex-node.ts`, which hashes straight to hex in one native call.
 */
export function sha256HexNow (data: Uint8Array): string | undefined {
  const digest = sha256.encode(data)
  if (digest instanceof Uint8Array) return toHex(digest)
  // answered with a promise: the caller takes the general path from now on; the dropped hash must not reject loudly
  Promise.resolve(digest).catch(() => {})
  return undefined
}
