import { collectChunks } from '@swapwright/core'
import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'

export interface Block {
  /** sha2-256 typed as such, so `CID.createV0(block.cid.multihash)` type-checks */
  cid: CID<unknown, number, typeof sha256.code, 1>
  bytes: Uint8Array
}

/** `size` random bytes (WebCrypto, which hands out at most 64 KiB per call). */
export function randomBytes (size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let at = 0; at < size; at += 65_536) crypto.getRandomValues(out.subarray(at, Math.min(size, at + 65_536)))
  return out
}

/** A block of `size` random bytes under its real sha2-256 CIDv1 (raw). */
export async function makeBlock (size = 256): Promise<Block> {
  const bytes = randomBytes(size)
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

export async function makeBlocks (count: number, size = 256): Promise<Block[]> {
  return Promise.all(Array.from({ length: count }, async () => makeBlock(size)))
}

/** One turn of the event loop (a macrotask), in any JavaScript host. */
export async function nextTurn (): Promise<void> {
  await new Promise<void>(resolve => { setTimeout(resolve, 0) })
}

/** All chunks of a `get` (or any chunk source) as one array, as the node itself reads a block. */
export async function collect (chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  return collectChunks(chunks)
}

export function * syncChunks (bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size)
}

/** Chunks with a turn of the event loop before each, so concurrent writers really interleave. */
export async function * asyncChunks (bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (const chunk of syncChunks(bytes, size)) {
    await nextTurn()
    yield chunk
  }
}

export async function drain (source: Iterable<unknown> | AsyncIterable<unknown>): Promise<void> {
  for await (const _ of source) { /* consume */ }
}

/** The multihash of a CID as text, to compare keys across CID versions and codecs. */
export function mhKey (cid: CID): string {
  return base32.encode(cid.multihash.bytes)
}
