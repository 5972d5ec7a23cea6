/*
 * Lower-case hex of bytes, with no Node built-in: a table of character codes per byte, turned into a string by
 * one `String.fromCharCode` call over a plain array (V8 spreads a plain array of small integers several times
 * faster than a typed array). For the short byte runs it is used on (multihashes, under 130 bytes) that comes
 * within about twice Node's native hex encoder, ahead of building the string two characters at a time.
 */
const DIGITS = '0123456789abcdef'
const HIGH = new Uint8Array(256)
const LOW = new Uint8Array(256)
for (let byte = 0; byte < 256; byte++) {
  HIGH[byte] = DIGITS.charCodeAt(byte >> 4)
  LOW[byte] = DIGITS.charCodeAt(byte & 15)
}

/** Bytes per `fromCharCode` call: well under every engine's limit on arguments. */
const CHUNK = 4096

export function toHex (bytes: Uint8Array): string {
  let out = ''
  for (let start = 0; start < bytes.byteLength; start += CHUNK) {
    const end = Math.min(bytes.byteLength, start + CHUNK)
    const codes = new Array<number>((end - start) * 2)
    for (let i = start, j = 0; i < end; i++, j += 2) {
      const byte = bytes[i]
      codes[j] = HIGH[byte]
      codes[j + 1] = LOW[byte]
    }
    out += String.fromCharCode.apply(null, codes)
  }
  return out
}

/** Bytes of lower-case hex from `start` on (an even number of digits): the reverse of `toHex`. */
export function fromHex (hex: string, start = 0): Uint8Array {
  const bytes = new Uint8Array((hex.length - start) >> 1)
  for (let i = 0, j = start; i < bytes.length; i++, j += 2) bytes[i] = (digit(hex.charCodeAt(j)) << 4) | digit(hex.charCodeAt(j + 1))
  return bytes
}

function digit (code: number): number {
  const value = code <= 57 ? code - 48 : code - 87
  if (value < 0 || value > 15) throw new RangeError(`Not a lower-case hex digit: ${String.fromCharCode(code)}`)
  return value
}
