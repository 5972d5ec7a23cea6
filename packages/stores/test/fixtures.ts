import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'

export interface Block {
  /** sha2-256 typed as such, so `CID.createV0(block.cid.multihash)` type-checks */
  cid: CID<unknown, number, typeof sha256.code, 1>
  bytes: Uint8Array
}

/** A block of `size` random bytes under its real sha2-256 CIDv1 (raw). */
export async function makeBlock (size = 256): Promise<Block> {
  const bytes = new Uint8Array(randomBytes(size))
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

export async function makeBlocks (count: number, size = 256): Promise<Block[]> {
  return Promise.all(Array.from({ length: count }, async () => makeBlock(size)))
}

/** All chunks of a `get` (or any chunk source) as one plain Uint8Array. */
export async function collect (chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const chunk of chunks) parts.push(chunk)
  const out = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.byteLength
  }
  return out
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

export async function freshDir (label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `swapwright-${label}-`))
}

/** Runs `test` in a fresh directory, removed afterwards whatever the outcome. */
export async function inFreshDir (label: string, test: (dir: string) => Promise<void>): Promise<void> {
  const dir = await freshDir(label)
  try {
    await test(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The multihash of a CID as text, to compare keys across CID versions and codecs. */
export function mhKey (cid: CID): string {
  return base32.encode(cid.multihash.bytes)
}

/**
 * Byte equality with a short message. Not `assert.deepEqual`: on a mismatch it diffs the printed arrays, which
 * for a block of hundreds of KiB takes minutes and looks like a hang.
 */
export function assertBytes (actual: Uint8Array | undefined, expected: Uint8Array, what = 'bytes'): void {
  assert.ok(actual != null, `${what}: missing`)
  assert.equal(actual.byteLength, expected.byteLength, `${what}: length`)
  const at = actual.findIndex((byte, i) => byte !== expected[i])
  assert.equal(at, -1, `${what}: first difference at byte ${at}`)
}
