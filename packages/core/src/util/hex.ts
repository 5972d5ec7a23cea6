/*
 * Lower-case hex of bytes, with no Node built-in: a table of character codes per byte, turned into a string by
 * one `String.fromCharCode` call. It keeps up with Node's native hex encoder on the short byte runs it is used for
 * (multihashes, under 130 bytes), where building the string a pair of characters at a time is about three times
 * slower.
 */
const DIGITS = '0123456789abcdef'
const HIGH = new Uint8Array(256)
const LOW = new Uint8Array(256)
for (let byte = 0; byte < 256; byte++) {
  HIGH[byte] = DIGITS.charCodeAt(byte >> 4)
  LOW[byte] = DIGITS.charCodeAt(byte & 15)
}

/** Spread into one `fromCharCode` call: well under every engine's limit on arguments. */
const CHUNK = 8192

export function toHex (bytes: Uint8Array): string {
  const codes = new Uint8Array(bytes.byteLength * 2)
  for (let i = 0, j = 0; i < bytes.byteLength; i++, j += 2) {
    const byte = bytes[i]
    codes[j] = HIGH[byte]
    codes[j + 1] = LOW[byte]
  }
  if (codes.byteLength <= CHUNK) return String.fromCharCode.apply(null, codes as unknown as number[])
  let out = ''
  for (let at = 0; at < codes.byteLength; at += CHUNK) out += String.fromCharCode.apply(null, codes.subarray(at, at + CHUNK) as unknown as number[])
  return out
}
