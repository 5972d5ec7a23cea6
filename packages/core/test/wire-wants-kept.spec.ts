import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { create as createDigest } from 'multiformats/hashes/digest'
import { decodeMessage, DEFAULT_DECODE_LIMITS, encodeMessage, type WantEntry } from '../src/index.js'

/*
 * maxWantsKept: a message with more wants than a ledger holds is cut to its most urgent wants while decoding, so
 * no CID is built for a want the server would refuse. Cancels are never cut.
 */

function cid (i: number): CID {
  const digest = new Uint8Array(32)
  digest[0] = i
  return CID.createV1(raw.code, createDigest(0x12, digest))
}

function encode (entries: Array<Partial<WantEntry> & { cid: CID }>): Uint8Array {
  return encodeMessage({
    wantlist: { full: false, entries: entries.map(e => ({ priority: 1, wantType: 'block' as const, sendDontHave: false, cancel: false, ...e })) },
    blocks: [],
    presences: [],
    pendingBytes: 0
  })
}

describe('decodeMessage: maxWantsKept', () => {
  it('keeps the most urgent wants (then the first), every cancel, and counts the rest', () => {
    const priorities = [1, 5, 3, 5, 2, 9, 1, 3]
    const bytes = encode([
      ...priorities.map((priority, i) => ({ cid: cid(i), priority })),
      { cid: cid(100), cancel: true },
      { cid: cid(101), cancel: true }
    ])
    const decoded = decodeMessage(bytes, { ...DEFAULT_DECODE_LIMITS, maxWantsKept: 4 })
    const kept = decoded.wantlist?.entries ?? []
    // Priorities 9, 5, 5 and the first 3 (index 2), in the message's order; then both cancels.
    assert.deepEqual(kept.map(e => e.cid.toString()), [1, 2, 3, 5, 100, 101].map(i => cid(i).toString()))
    assert.equal(decoded.droppedWants, 4)
  })

  it('changes nothing for a message within the limit, or with no limit', () => {
    const bytes = encode([0, 1, 2].map(i => ({ cid: cid(i), priority: i })))
    for (const limits of [{ ...DEFAULT_DECODE_LIMITS, maxWantsKept: 3 }, DEFAULT_DECODE_LIMITS]) {
      const decoded = decodeMessage(bytes, limits)
      assert.equal(decoded.wantlist?.entries.length, 3)
      assert.equal(decoded.droppedWants, undefined)
    }
  })
})
