import { identify } from '@libp2p/identify'
import { BITSWAP_PROTOCOLS, encodeMessage, frame, type WantEntry } from '@swapwright/core'
import { createLibp2p } from 'libp2p'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { create as createDigest } from 'multiformats/hashes/digest'
import { loopbackStack } from '../util/libp2p-node.js'
import type { Libp2p, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/*
 * Peers that behave badly on purpose, over real libp2p. Each is a plain libp2p node that speaks the Bitswap wire
 * by hand: it can open streams and write whatever bytes it likes, and it takes the server's streams to it and
 * never reads them (paused, so the muxer stops granting the server window, as a peer that stopped reading does).
 */

export const BITSWAP_120 = '/ipfs/bitswap/1.2.0'

/** A libp2p node on 127.0.0.1 that accepts Bitswap streams and never reads them. */
export async function deafNode (): Promise<Libp2p> {
  const node = await createLibp2p({ ...loopbackStack(), services: { identify: identify() } })
  await node.handle([...BITSWAP_PROTOCOLS], (stream) => { stream.pause() }, { maxInboundStreams: 1024 })
  return node
}

/**
 * A Bitswap stream from `node` to `target`. Tried up to three times: with hundreds of handshakes in one process on
 * two cores, an attacker's own dial can time out, and the test is about the server, not the attacker's luck.
 */
export async function openBitswap (node: Libp2p, target: Multiaddr[]): Promise<Stream> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await node.dialProtocol(target, BITSWAP_120)
    } catch (err) {
      if (attempt === 3) throw err
    }
  }
}

/** Writes `bytes`, waiting while the stream is backed up (as an attacker that wants to get them all in must). */
export async function write (stream: Stream, bytes: Uint8Array): Promise<void> {
  if (!stream.send(bytes)) await stream.onDrain()
}

/** `count` distinct CIDs of blocks nobody has: random digests, no hashing needed. */
export function unknownCids (count: number, seed: number): CID[] {
  const cids: CID[] = []
  let state = seed >>> 0
  for (let i = 0; i < count; i++) {
    const digest = new Uint8Array(32)
    for (let j = 0; j < 32; j++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      digest[j] = state >>> 24
    }
    digest[0] = i & 0xff
    digest[1] = (i >>> 8) & 0xff
    digest[2] = (i >>> 16) & 0xff
    cids.push(CID.createV1(raw.code, createDigest(0x12, digest)))
  }
  return cids
}

/** One framed want message (want-block unless told), ready to write. */
export function wantFrame (cids: readonly CID[], options: Partial<WantEntry> = {}): Uint8Array {
  const entries = cids.map(cid => ({ cid, priority: 1, wantType: 'block' as const, sendDontHave: false, cancel: false, ...options }))
  return frame(encodeMessage({ wantlist: { full: false, entries }, blocks: [], presences: [], pendingBytes: 0 })).subarray()
}

export { inBatches } from '../util/batches.js'
