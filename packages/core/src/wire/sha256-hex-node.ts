import { hash } from 'node:crypto'

/*
 * Node's variant of `sha256-hex.ts`, chosen by the package's `#sha256-hex` import under the `node` condition. One
 * native call from bytes to hex: for 1 KiB blocks multiformats' Node hasher (createHash, update, digest, then our
 * hex) costs several times this, and nearly every block exchanged takes this path. Browser bundles never see it.
 */
export function sha256HexNow (data: Uint8Array): string | undefined {
  return hash('sha256', data, 'hex')
}
