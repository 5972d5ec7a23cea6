import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import { decodeMessage, DEFAULT_DECODE_LIMITS, WireMessage } from '../src/index.js'
import type { DecodedMessage, DecodeLimits } from '../src/index.js'
import { cidOf, int32Arb, pbBytes, pbVarint, topLevelSpans, view } from './fixtures/wire.js'

/*
 * decodeMessage reads want lists into columns of numbers and builds CIDs for the wants it keeps only. Here it is
 * held against a reference made of the generic protobuf decoder (the schema's generated code) and the plain
 * choice it must equal: sort the wants by priority (highest first), then position, and keep the first
 * `maxWantsKept`. Messages are real protobuf bytes written by that generated encoder, with unknown fields of
 * every wire type spliced in where a newer peer could put them.
 */

const MAX_CID_BYTES = 168

/** The reference: generic decode, a sort for the cut, and a CID per kept entry. */
function reference (bytes: Uint8Array, limits: DecodeLimits): { view: unknown, invalidEntries: number, droppedWants?: number } {
  const pb = WireMessage.decode(bytes, {
    limits: { blocks: limits.maxBlocks, payload: limits.maxBlocks, blockPresences: limits.maxPresences, wantlist: { entries: limits.maxWantlistEntries } }
  })
  if (pb.blocks.length + pb.payload.length > limits.maxBlocks) throw new Error('raw and payload blocks over maxBlocks')
  let invalid = 0
  const parse = (b: Uint8Array): CID | undefined => {
    try {
      if (b.byteLength <= MAX_CID_BYTES) return CID.decode(b)
    } catch {}
    invalid++
    return undefined
  }
  const presences = pb.blockPresences.flatMap(p => {
    const cid = parse(p.cid)
    return cid == null ? [] : [{ cid, type: p.type === WireMessage.BlockPresenceType.DontHave ? 'dont-have' as const : 'have' as const }]
  })
  let droppedWants: number | undefined
  let wantlist: DecodedMessage['wantlist']
  if (pb.wantlist != null) {
    let kept = pb.wantlist.entries
    const wants = kept.map((entry, index) => ({ entry, index })).filter(w => !w.entry.cancel)
    if (limits.maxWantsKept != null && wants.length > limits.maxWantsKept) {
      const chosen = new Set(wants.sort((a, b) => b.entry.priority - a.entry.priority || a.index - b.index).slice(0, limits.maxWantsKept).map(w => w.entry))
      droppedWants = wants.length - limits.maxWantsKept
      kept = kept.filter(entry => entry.cancel || chosen.has(entry))
    }
    wantlist = {
      full: pb.wantlist.full,
      entries: kept.flatMap(entry => {
        const cid = parse(entry.block)
        return cid == null
          ? []
          : [{ cid, priority: entry.priority, cancel: entry.cancel, wantType: entry.wantType === WireMessage.WantType.Have ? 'have' as const : 'block' as const, sendDontHave: entry.sendDontHave }]
      })
    }
  }
  const blocks = [
    ...pb.blocks.map(data => ({ prefix: Uint8Array.from([0, 0x70, 0x12, 32]), data })),
    ...pb.payload.map(b => ({ prefix: b.prefix, data: b.data }))
  ]
  return { view: view({ wantlist, blocks, presences, pendingBytes: Math.max(0, pb.pendingBytes) }), invalidEntries: invalid, droppedWants }
}

function decoded (bytes: Uint8Array, limits: DecodeLimits): { view: unknown, invalidEntries: number, droppedWants?: number } {
  const message = decodeMessage(bytes, limits)
  return { view: view(message), invalidEntries: message.invalidEntries, droppedWants: message.droppedWants }
}

/** CID bytes: mostly valid (a few distinct ones, so duplicates occur), sometimes junk, empty or oversized. */
const cidBytesArb = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 20 }).map(n => cidOf(n).bytes) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constant(cidOf(1, 200, 0x13).bytes) }
)

const entryArb = fc.record({
  block: cidBytesArb,
  // A narrow range too, so equal priorities (the tie rule) come up often.
  priority: fc.oneof(int32Arb, fc.integer({ min: -2, max: 3 })),
  cancel: fc.boolean(),
  wantType: fc.constantFrom(WireMessage.WantType.Block, WireMessage.WantType.Have),
  sendDontHave: fc.boolean()
})

const pbMessageArb = fc.record({
  wantlist: fc.option(fc.record({ entries: fc.array(entryArb, { maxLength: 24 }), full: fc.boolean() }), { nil: undefined }),
  blocks: fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 3 }),
  payload: fc.array(fc.record({ prefix: fc.uint8Array({ maxLength: 6 }), data: fc.uint8Array({ maxLength: 20 }) }), { maxLength: 3 }),
  blockPresences: fc.array(fc.record({ block: cidBytesArb, type: fc.constantFrom(WireMessage.BlockPresenceType.Have, WireMessage.BlockPresenceType.DontHave) })
    .map(p => ({ cid: p.block, type: p.type })), { maxLength: 5 }),
  pendingBytes: int32Arb
})

/** An unknown field of any wire type, numbered past the schema's. */
const unknownFieldArb = fc.oneof(
  fc.tuple(fc.integer({ min: 6, max: 40 }), fc.nat()).map(([f, n]) => pbVarint(f, n)),
  fc.tuple(fc.integer({ min: 6, max: 40 }), fc.uint8Array({ maxLength: 8 })).map(([f, b]) => pbBytes(f, b)),
  fc.integer({ min: 6, max: 15 }).map(f => [f * 8 + 1, 1, 2, 3, 4, 5, 6, 7, 8]),
  fc.integer({ min: 6, max: 15 }).map(f => [f * 8 + 5, 1, 2, 3, 4]),
  fc.integer({ min: 6, max: 15 }).map(f => [f * 8 + 3, ...pbVarint(1, 7), f * 8 + 4])
)

const limitsArb = fc.record({
  maxWantlistEntries: fc.integer({ min: 1, max: 30 }),
  maxBlocks: fc.integer({ min: 1, max: 8 }),
  maxPresences: fc.integer({ min: 1, max: 8 }),
  maxWantsKept: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined })
})

/** Same result, or both reject (the reference's errors are untyped, so only the fact is compared). */
function assertAgree (bytes: Uint8Array, limits: DecodeLimits): void {
  let expected
  try {
    expected = reference(bytes, limits)
  } catch {
    assert.throws(() => decodeMessage(bytes, limits))
    return
  }
  assert.deepEqual(decoded(bytes, limits), expected)
}

describe('wire decode: against the generic decoder', () => {
  it('agrees on messages the generated encoder wrote (property)', () => {
    fc.assert(fc.property(pbMessageArb, limitsArb, (pb, limits) => {
      assertAgree(WireMessage.encode(pb), limits)
    }), { numRuns: 200 })
  })

  it('agrees with unknown fields of every wire type between known ones (property)', () => {
    fc.assert(fc.property(pbMessageArb, fc.array(fc.tuple(fc.nat(), unknownFieldArb), { maxLength: 4 }), (pb, unknown) => {
      // Spliced at top-level field boundaries, found by decoding the fields one after another.
      const bytes = WireMessage.encode(pb)
      const parts: number[][] = topLevelSpans(bytes).map(span => [...bytes.subarray(span.start, span.end)])
      for (const [at, field] of unknown) parts.splice(at % (parts.length + 1), 0, field)
      assertAgree(Uint8Array.from(parts.flat()), DEFAULT_DECODE_LIMITS)
    }), { numRuns: 150 })
  })

  it('keeps the same wants as the sort when thousands tie or differ (the flood case)', () => {
    const priorities = Array.from({ length: 8192 }, (_, i) => (i * 7919) % 13)
    const bytes = WireMessage.encode({
      wantlist: { full: false, entries: priorities.map((priority, i) => ({ block: cidOf(i).bytes, priority, cancel: i % 1000 === 0, wantType: WireMessage.WantType.Block, sendDontHave: false })) },
      blocks: [], payload: [], blockPresences: [], pendingBytes: 0
    })
    // 8183 wants (nine of the entries are cancels): 8182 cuts one, 8183 none.
    for (const keep of [0, 1024, 8182, 8183]) assertAgree(bytes, { ...DEFAULT_DECODE_LIMITS, maxWantsKept: keep })
  })

  it('a second wantlist field replaces the first, as the generic decoder has it', () => {
    const first = pbBytes(1, pbBytes(1, pbBytes(1, cidOf(1).bytes)))
    const second = pbBytes(1, [...pbBytes(1, pbBytes(1, cidOf(2).bytes)), ...pbVarint(2, 1)])
    const bytes = Uint8Array.from([...first, ...second])
    assertAgree(bytes, DEFAULT_DECODE_LIMITS)
    assert.deepEqual(decodeMessage(bytes).wantlist?.entries.map(e => e.cid.toString()), [cidOf(2).toString()])
  })

  it('builds want CIDs from copies, so a kept want does not hold its message', () => {
    const bytes = WireMessage.encode({
      wantlist: { full: false, entries: [{ block: cidOf(3).bytes, priority: 1, cancel: false, wantType: WireMessage.WantType.Block, sendDontHave: false }] },
      blocks: [], payload: [{ prefix: Uint8Array.from([1, 0x55, 0x12, 32]), data: Uint8Array.from([9, 9]) }], blockPresences: [], pendingBytes: 0
    })
    const message = decodeMessage(bytes)
    assert.notEqual(message.wantlist?.entries[0].cid.multihash.bytes.buffer, bytes.buffer)
    // Block data stays a view of the message: copying every block would double what a reader of blocks holds.
    assert.equal(message.blocks[0].data.buffer, bytes.buffer)
  })

  it('a known field with the wrong wire type is malformed', () => {
    assert.throws(() => decodeMessage(Uint8Array.from(pbVarint(1, 3))), { code: 'ERR_MALFORMED_MESSAGE' })
    assert.throws(() => decodeMessage(Uint8Array.from(pbBytes(5, [1]))), { code: 'ERR_MALFORMED_MESSAGE' })
  })

  it('an entry whose CID field overruns the entry is malformed, not read from the next entry', () => {
    const entry = [...pbBytes(1, cidOf(1).bytes)]
    // The entry claims 2 bytes fewer than its CID field needs.
    const bytes = Uint8Array.from(pbBytes(1, [0x0a, entry.length - 2, ...entry]))
    assert.throws(() => decodeMessage(bytes), { code: 'ERR_MALFORMED_MESSAGE' })
  })
})
