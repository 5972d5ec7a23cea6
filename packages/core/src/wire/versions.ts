import type { ProtocolVersion } from '../types.js'

/** Protocol ids we handle, newest first: the order in which we offer them when dialling. */
export const BITSWAP_PROTOCOLS = [
  '/ipfs/bitswap/1.2.0',
  '/ipfs/bitswap/1.1.0',
  '/ipfs/bitswap/1.0.0',
  '/ipfs/bitswap'
] as const

export type BitswapProtocol = typeof BITSWAP_PROTOCOLS[number]

/** The version a protocol id stands for; the bare `/ipfs/bitswap` is the original 1.0.0 protocol. */
export function versionOf (protocol: string): ProtocolVersion | undefined {
  switch (protocol) {
    case '/ipfs/bitswap/1.2.0': return '1.2.0'
    case '/ipfs/bitswap/1.1.0': return '1.1.0'
    case '/ipfs/bitswap/1.0.0':
    case '/ipfs/bitswap': return '1.0.0'
    default: return undefined
  }
}

/** 1.2.0 added WANT_HAVE, HAVE / DONT_HAVE, sendDontHave and pendingBytes. */
export function supportsPresences (version: ProtocolVersion): boolean {
  return version === '1.2.0'
}

/** 1.1.0 added blocks with a CID prefix, so any CID version and codec. */
export function supportsCidPrefixes (version: ProtocolVersion): boolean {
  return version !== '1.0.0'
}

/** The lower of two versions: what two peers can both speak. */
export function commonVersion (a: ProtocolVersion, b: ProtocolVersion): ProtocolVersion {
  return a < b ? a : b
}
