import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export { asyncChunks, collect, drain, makeBlock, makeBlocks, mhKey, syncChunks, type Block } from '@swapwright/compliance/blockstore'

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

/** Store options for tests of the one-file-per-block layout: no block goes into the block log. */
export const FILES_ONLY = { smallBlockSize: 0 } as const
