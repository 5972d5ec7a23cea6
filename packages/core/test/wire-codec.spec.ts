import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import {
  BITSWAP_PROTOCOLS, commonVersion, decodeMessage, downgradeMessage, emptyMessage, encodeMessage, encodePrefix,
  isEmptyMessage, supportsCidPrefixes, supportsPresences, versionOf
} from '../src/index.js'
import type { BitswapMessage, BlockPayload, ProtocolVersion } from '../src/index.js'
import {
  cidV0, cidV1, DAG_CBOR, DAG_PB, hash, hex, pbBytes, pbVarint, PREFIX_RAW_256, PREFIX_V0, presenceArb, RAW, SHA2_256,
  SHA2_512, text, topLevelSpans, view, want, wantArb
} from './fixtures/wire.js'

/*
 * Round trips of the codec for each protocol version, and the downgrade rules for older peers. Expected
 * values come from the protocol rules and from protobuf bytes written out by hand, not from the encoder.
 */

/** More wire prefixes written out by hand: version, codec, hash code, digest length (all below 128, one byte each). */
const PREFIX_PB_256 = Uint8Array.from([0x01, DAG_PB, SHA2_256, 32])
const PREFIX_RAW_512 = Uint8Array.from([0x01, RAW, SHA2_512, 64])

/** Top-level protobuf field numbers in order of appearance. */
const topLevelFields = (bytes: Uint8Array): number[] => topLevelSpans(bytes).map(span => span.field)

const dataA = text('block a')
const dataB = text('block b, a little longer')
const dataC = text('block c')
const rawA = cidV1(RAW, SHA2_256, hash('sha256', dataA))
const pbB = cidV1(DAG_PB, SHA2_256, hash('sha256', dataB))
const v0B = cidV0(hash('sha256', dataB))
const raw512C = cidV1(RAW, SHA2_512, hash('sha512', dataC))
const cborA = cidV1(DAG_CBOR, SHA2_256, hash('sha256', dataA))

/** A message using every feature of 1.2.0. */
function richMessage (): BitswapMessage {
  return {
    wantlist: {
      full: true,
      entries: [
        want(rawA, { priority: 7, wantType: 'have', sendDontHave: true }),
        want(pbB, { priority: 0 }),
        want(v0B, { priority: -3, cancel: true }),
        want(raw512C, { priority: 2 ** 31 - 1, wantType: 'have' }),
        want(cborA, { sendDontHave: true })
      ]
    },
    blocks: [
      { prefix: PREFIX_RAW_256, data: dataA },
      { prefix: PREFIX_V0, data: dataB },
      { prefix: PREFIX_PB_256, data: dataB },
      { prefix: PREFIX_RAW_512, data: dataC }
    ],
    presences: [
      { cid: rawA, type: 'have' },
      { cid: pbB, type: 'dont-have' },
      { cid: v0B, type: 'have' }
    ],
    pendingBytes: 123456
  }
}

describe('wire versions', () => {
  it('maps every protocol id to its version, the bare id to 1.0.0, and unknown ids to undefined', () => {
    assert.deepEqual(BITSWAP_PROTOCOLS.map(versionOf), ['1.2.0', '1.1.0', '1.0.0', '1.0.0'])
    assert.equal(versionOf('/ipfs/bitswap/1.3.0'), undefined)
    assert.equal(versionOf('/ipfs/bitswap/'), undefined)
  })

  it('picks the lower of two versions and knows which features each has', () => {
    assert.equal(commonVersion('1.2.0', '1.1.0'), '1.1.0')
    assert.equal(commonVersion('1.0.0', '1.2.0'), '1.0.0')
    assert.equal(commonVersion('1.2.0', '1.2.0'), '1.2.0')
    assert.deepEqual(['1.2.0', '1.1.0', '1.0.0'].map(v => supportsPresences(v as ProtocolVersion)), [true, false, false])
    assert.deepEqual(['1.2.0', '1.1.0', '1.0.0'].map(v => supportsCidPrefixes(v as ProtocolVersion)), [true, true, false])
  })

  it('counts only a full empty wantlist, blocks or presences as content', () => {
    assert.equal(isEmptyMessage(emptyMessage()), true)
    assert.equal(isEmptyMessage({ ...emptyMessage(), pendingBytes: 10 }), true)
    assert.equal(isEmptyMessage({ ...emptyMessage(), wantlist: { entries: [], full: false } }), true)
    assert.equal(isEmptyMessage({ ...emptyMessage(), wantlist: { entries: [], full: true } }), false)
    assert.equal(isEmptyMessage({ ...emptyMessage(), presences: [{ cid: rawA, type: 'have' }] }), false)
  })
})

describe('wire prefix encoding', () => {
  it('writes version, codec, hash code and digest length as varints', () => {
    assert.equal(hex(encodePrefix({ version: 1, codec: RAW, multihashCode: SHA2_256, digestLength: 32 })), '01551220')
    assert.equal(hex(encodePrefix({ version: 0, codec: DAG_PB, multihashCode: SHA2_256, digestLength: 32 })), '00701220')
    // dag-json (0x0129) and blake2b-256 (0xb220) need two- and three-byte varints.
    assert.equal(hex(encodePrefix({ version: 1, codec: 0x0129, multihashCode: 0xb220, digestLength: 32 })), '01a902a0e40220')
  })
})

describe('wire codec, 1.2.0', () => {
  it('round-trips wants, blocks, presences and pendingBytes unchanged', () => {
    const message = richMessage()
    const decoded = decodeMessage(encodeMessage(message, '1.2.0'))
    assert.deepEqual(view(decoded), view(message))
    assert.equal(decoded.invalidEntries, 0)
  })

  it('writes the fields in field-number order and only the ones that are set', () => {
    assert.deepEqual(topLevelFields(encodeMessage(richMessage(), '1.2.0')), [1, 3, 3, 3, 3, 4, 4, 4, 5])
    const wantsOnly = { ...emptyMessage(), wantlist: { full: false, entries: [want(rawA)] } }
    assert.deepEqual(topLevelFields(encodeMessage(wantsOnly, '1.2.0')), [1])
    assert.equal(encodeMessage(emptyMessage(), '1.2.0').byteLength, 0)
  })

  it('matches hand-written bytes for a want entry with every field set', () => {
    const cid = cidV1(RAW, SHA2_256, new Uint8Array(32).fill(0xab))
    const message = { ...emptyMessage(), wantlist: { full: true, entries: [want(cid, { priority: 3, cancel: true, wantType: 'have', sendDontHave: true })] } }
    const entry = [...pbBytes(1, cid.bytes), ...pbVarint(2, 3), ...pbVarint(3, 1), ...pbVarint(4, 1), ...pbVarint(5, 1)]
    const expected = pbBytes(1, [...pbBytes(1, entry), ...pbVarint(2, 1)])
    assert.equal(hex(encodeMessage(message, '1.2.0')), hex(Uint8Array.from(expected)))
  })

  it('decodes absent fields as their defaults: priority 0, want-block, no cancel, no sendDontHave, have', () => {
    const bytes = Uint8Array.from([
      ...pbBytes(1, pbBytes(1, pbBytes(1, rawA.bytes))),
      ...pbBytes(4, pbBytes(1, pbB.bytes))
    ])
    const decoded = decodeMessage(bytes)
    assert.deepEqual(view(decoded), view({
      wantlist: { full: false, entries: [want(rawA, { priority: 0 })] },
      blocks: [],
      presences: [{ cid: pbB, type: 'have' }],
      pendingBytes: 0
    }))
  })

  it('skips unknown fields, as a newer peer may send them', () => {
    const bytes = Uint8Array.from([
      ...pbVarint(15, 99),
      ...pbBytes(1, [...pbBytes(1, [...pbBytes(1, rawA.bytes), ...pbVarint(9, 1)]), ...pbBytes(7, [1, 2, 3])]),
      ...pbBytes(12, text('future'))
    ])
    const decoded = decodeMessage(bytes)
    assert.deepEqual(decoded.wantlist?.entries.map(e => e.cid.toString()), [rawA.toString()])
  })

  it('never reports negative pendingBytes', () => {
    const minusOne = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
    assert.equal(decodeMessage(Uint8Array.from([0x28, ...minusOne])).pendingBytes, 0)
    assert.equal(decodeMessage(Uint8Array.from(pbVarint(5, 300))).pendingBytes, 300)
  })

  it('reports a queue too big for int32 as the largest int32, never wrapped to a negative or small value', () => {
    for (const queued of [2 ** 31, 2 ** 32 + 5, 3e9]) {
      const bytes = encodeMessage({ ...emptyMessage(), pendingBytes: queued }, '1.2.0')
      assert.equal(hex(bytes), hex(Uint8Array.from(pbVarint(5, 2 ** 31 - 1))), `pendingBytes ${queued}`)
      assert.equal(decodeMessage(bytes).pendingBytes, 2 ** 31 - 1)
    }
    assert.equal(encodeMessage({ ...emptyMessage(), pendingBytes: -5 }, '1.2.0').byteLength, 0)
  })

  it('round-trips arbitrary messages (property)', () => {
    fc.assert(fc.property(messageArb(anyPrefixArb), message => {
      assert.deepEqual(view(decodeMessage(encodeMessage(message, '1.2.0'))), view(message))
    }), { numRuns: 150 })
  })
})

describe('wire codec, 1.1.0', () => {
  it('sends want-have as want-block and drops sendDontHave, presences and pendingBytes', () => {
    const message = richMessage()
    const bytes = encodeMessage(message, '1.1.0')
    assert.deepEqual(topLevelFields(bytes), [1, 3, 3, 3, 3])
    const decoded = decodeMessage(bytes)
    const expected: BitswapMessage = {
      wantlist: {
        full: true,
        entries: message.wantlist!.entries.map(e => ({ ...e, wantType: 'block', sendDontHave: false }))
      },
      blocks: message.blocks,
      presences: [],
      pendingBytes: 0
    }
    assert.deepEqual(view(decoded), view(expected))
  })

  it('counts the presences it leaves out and keeps every CID version and codec', () => {
    const { message, dropped } = downgradeMessage(richMessage(), '1.1.0')
    assert.deepEqual(dropped, { wants: 0, blocks: 0, presences: 3 })
    assert.deepEqual(message.wantlist?.entries.map(e => e.cid.toString()), richMessage().wantlist!.entries.map(e => e.cid.toString()))
    assert.equal(message.blocks.length, 4)
  })

  it('never puts a want-have, sendDontHave, a presence or pendingBytes on the wire (property)', () => {
    fc.assert(fc.property(messageArb(anyPrefixArb), message => {
      const bytes = encodeMessage(message, '1.1.0')
      assert.ok(topLevelFields(bytes).every(f => f === 1 || f === 3))
      const decoded = decodeMessage(bytes)
      assert.equal(decoded.presences.length, 0)
      assert.equal(decoded.pendingBytes, 0)
      for (const entry of decoded.wantlist?.entries ?? []) {
        assert.equal(entry.wantType, 'block')
        assert.equal(entry.sendDontHave, false)
      }
      assert.deepEqual(decoded.wantlist?.entries.map(e => [e.cid.toString(), e.priority, e.cancel]),
        message.wantlist?.entries.map(e => [e.cid.toString(), e.priority, e.cancel]))
      assert.deepEqual(decoded.blocks.map(b => hex(b.prefix) + hex(b.data)), message.blocks.map(b => hex(b.prefix) + hex(b.data)))
    }), { numRuns: 100 })
  })
})

describe('wire codec, 1.0.0', () => {
  it('sends blocks raw in field 2 and wants as CIDv0', () => {
    const message: BitswapMessage = {
      wantlist: { full: false, entries: [want(pbB, { priority: 5 }), want(v0B, { cancel: true })] },
      blocks: [{ prefix: PREFIX_V0, data: dataB }, { prefix: PREFIX_PB_256, data: dataA }],
      presences: [],
      pendingBytes: 0
    }
    const bytes = encodeMessage(message, '1.0.0')
    // Hand-written: the two wants with CIDv0 bytes (the bare multihash), then the raw blocks in field 2.
    const expected = [
      ...pbBytes(1, [
        ...pbBytes(1, [...pbBytes(1, v0B.bytes), ...pbVarint(2, 5)]),
        ...pbBytes(1, [...pbBytes(1, v0B.bytes), ...pbVarint(2, 1), ...pbVarint(3, 1)])
      ]),
      ...pbBytes(2, dataB),
      ...pbBytes(2, dataA)
    ]
    assert.equal(hex(bytes), hex(Uint8Array.from(expected)))
  })

  it('decodes raw field-2 blocks with the implied CIDv0 dag-pb sha2-256 prefix', () => {
    const bytes = Uint8Array.from([...pbBytes(2, dataA), ...pbBytes(2, dataB)])
    const decoded = decodeMessage(bytes)
    assert.deepEqual(decoded.blocks.map(b => [hex(b.prefix), hex(b.data)]), [[hex(PREFIX_V0), hex(dataA)], [hex(PREFIX_V0), hex(dataB)]])
  })

  it('turns a CIDv1 dag-pb sha2-256 want into its CIDv0 twin and drops what CIDv0 cannot name', () => {
    const { message, dropped } = downgradeMessage(richMessage(), '1.0.0')
    // rawA (raw codec), raw512C (sha2-512) and cborA (dag-cbor) have no CIDv0 twin; pbB and v0B both become v0B.
    assert.deepEqual(message.wantlist?.entries.map(e => e.cid.toString()), [v0B.toString(), v0B.toString()])
    assert.deepEqual(message.wantlist?.entries.map(e => [e.wantType, e.sendDontHave]), [['block', false], ['block', false]])
    assert.equal(message.wantlist?.full, true)
    // The raw-codec and sha2-512 blocks are dropped; the CIDv0 and the CIDv1 dag-pb sha2-256 blocks stay.
    assert.deepEqual(message.blocks.map(b => hex(b.data)), [hex(dataB), hex(dataB)])
    assert.deepEqual(dropped, { wants: 3, blocks: 2, presences: 3 })
    assert.equal(message.pendingBytes, 0)
  })

  it('leaves a 1.2.0 message untouched', () => {
    const original = richMessage()
    const { message, dropped } = downgradeMessage(original, '1.2.0')
    assert.deepEqual(view(message), view(original))
    assert.deepEqual(dropped, { wants: 0, blocks: 0, presences: 0 })
  })

  it('keeps exactly the CIDv0-expressible wants and blocks (property)', () => {
    fc.assert(fc.property(messageArb(v0TestPrefixArb), message => {
      const bytes = encodeMessage(message, '1.0.0')
      assert.ok(topLevelFields(bytes).every(f => f === 1 || f === 2))
      const decoded = decodeMessage(bytes)

      const v0Able = (cid: CID): boolean => cid.version === 0 ||
        (cid.code === DAG_PB && cid.multihash.code === SHA2_256 && cid.multihash.size === 32)
      const wants = message.wantlist?.entries ?? []
      const expectedWants = wants.filter(e => v0Able(e.cid))
        .map(e => [CID.createV0(e.cid.multihash as any).toString(), e.priority, e.cancel, 'block', false])
      assert.deepEqual((decoded.wantlist?.entries ?? []).map(e => [e.cid.toString(), e.priority, e.cancel, e.wantType, e.sendDontHave]), expectedWants)

      const kept = message.blocks.filter(b => V0_ABLE_PREFIXES.has(hex(b.prefix)))
      assert.deepEqual(decoded.blocks.map(b => [hex(b.prefix), hex(b.data)]), kept.map(b => [hex(PREFIX_V0), hex(b.data)]))

      const { dropped } = downgradeMessage(message, '1.0.0')
      assert.deepEqual(dropped, { wants: wants.length - expectedWants.length, blocks: message.blocks.length - kept.length, presences: message.presences.length })
      assert.equal(decoded.presences.length, 0)
      assert.equal(decoded.pendingBytes, 0)
    }), { numRuns: 100 })
  })
})

// Arbitraries --------------------------------------------------------------------------------------------------

const cidArb: fc.Arbitrary<CID> = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map(d => cidV0(d)),
  fc.record({
    codec: fc.constantFrom(RAW, DAG_PB, DAG_CBOR, 0x0129),
    hash: fc.constantFrom([SHA2_256, 32], [SHA2_512, 64], [0xb220, 32], [SHA2_512, 20]),
    seed: fc.uint8Array({ minLength: 64, maxLength: 64 })
  }).map(({ codec, hash, seed }) => cidV1(codec, hash[0], seed.slice(0, hash[1])))
)

const anyPrefixArb = fc.oneof(
  fc.constantFrom(PREFIX_V0, PREFIX_RAW_256, PREFIX_PB_256, PREFIX_RAW_512),
  fc.uint8Array({ maxLength: 8 })
)

/** Prefixes with a known answer to "can a 1.0.0 peer take this block": dag-pb with a 32-byte sha2-256 digest. */
const V0_ABLE_PREFIXES = new Set([hex(PREFIX_V0), hex(PREFIX_PB_256)])
const v0TestPrefixArb = fc.constantFrom(
  PREFIX_V0, PREFIX_PB_256, PREFIX_RAW_256, PREFIX_RAW_512,
  Uint8Array.from([0x01, DAG_PB, SHA2_512, 64]),
  Uint8Array.from([0x01, DAG_PB, SHA2_256, 20]),
  Uint8Array.from([0x01, DAG_CBOR, SHA2_256, 32]),
  Uint8Array.from([0x07, 0x07])
)

function messageArb (prefixArb: fc.Arbitrary<Uint8Array>): fc.Arbitrary<BitswapMessage> {
  const blockArb: fc.Arbitrary<BlockPayload> = fc.record({ prefix: prefixArb, data: fc.uint8Array({ maxLength: 64 }) })
  return fc.record({
    wantlist: fc.option(fc.record({ entries: fc.array(wantArb(cidArb), { maxLength: 6 }), full: fc.boolean() }), { nil: undefined }),
    blocks: fc.array(blockArb, { maxLength: 4 }),
    presences: fc.array(presenceArb(cidArb), { maxLength: 5 }),
    pendingBytes: fc.integer({ min: 0, max: 2 ** 31 - 1 })
  })
}
