import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  decodeMessage, DEFAULT_DECODE_LIMITS, encodeMessage, MalformedMessageError, MAX_CID_BYTES, MessageLimitError,
  SwapwrightError
} from '../src/index.js'
import type { BitswapMessage, DecodeLimits } from '../src/index.js'
import { cidOf, pbBytes, pbVarint } from './fixtures/wire.js'

/*
 * decodeMessage on hostile input: it either returns a message or throws MalformedMessageError /
 * MessageLimitError, and one bad CID costs only its own entry. Fixtures are protobuf written by hand.
 */

/** A wantlist (field 1) holding one entry per CID byte string. */
const wantsField = (cids: Array<Uint8Array | number[]>): number[] =>
  pbBytes(1, cids.flatMap(cid => pbBytes(1, [...pbBytes(1, cid), ...pbVarint(2, 1)])))
const presenceField = (cid: Uint8Array | number[], dontHave = false): number[] =>
  pbBytes(4, [...pbBytes(1, cid), ...(dontHave ? pbVarint(2, 1) : [])])
const payloadField = (data: number[]): number[] => pbBytes(3, [...pbBytes(1, [1, 0x55, 0x12, 0x20]), ...pbBytes(2, data)])
const rawBlockField = (data: number[]): number[] => pbBytes(2, data)

const limits = (overrides: Partial<DecodeLimits>): DecodeLimits => ({ ...DEFAULT_DECODE_LIMITS, ...overrides })

/** Decodes, and checks that failure, if any, is one of the two typed decode errors. */
function decodeOrTypedError (bytes: Uint8Array, decodeLimits?: DecodeLimits): 'ok' | 'malformed' | 'limit' {
  try {
    decodeMessage(bytes, decodeLimits)
    return 'ok'
  } catch (err) {
    assert.ok(err instanceof SwapwrightError, `not a SwapwrightError: ${String(err)}`)
    if (err instanceof MalformedMessageError) return 'malformed'
    if (err instanceof MessageLimitError) return 'limit'
    assert.fail(`unexpected error type ${err.name}`)
  }
}

function richMessage (): BitswapMessage {
  return {
    wantlist: {
      full: true,
      entries: [1, 2, 3].map(n => ({ cid: cidOf(n), priority: n, wantType: n === 2 ? 'have' : 'block', sendDontHave: n === 3, cancel: n === 1 }))
    },
    blocks: [{ prefix: Uint8Array.from([1, 0x55, 0x12, 0x20]), data: new Uint8Array(40).fill(3) }],
    presences: [{ cid: cidOf(4), type: 'have' }, { cid: cidOf(5), type: 'dont-have' }],
    pendingBytes: 99999
  }
}

describe('wire decode: hostile bytes', () => {
  it('every truncation of a valid message decodes or throws a typed error', () => {
    const bytes = encodeMessage(richMessage(), '1.2.0')
    const outcomes = new Set<string>()
    for (let length = 0; length < bytes.byteLength; length++) outcomes.add(decodeOrTypedError(bytes.subarray(0, length)))
    // Cutting inside a length-delimited field must be noticed, not read past the end.
    assert.ok(outcomes.has('malformed'))
    assert.equal(decodeOrTypedError(bytes), 'ok')
  })

  it('a body cut inside the wantlist is malformed, not a shorter wantlist', () => {
    const bytes = Uint8Array.from(wantsField([cidOf(1).bytes, cidOf(2).bytes]))
    assert.equal(decodeOrTypedError(bytes.subarray(0, bytes.byteLength - 1)), 'malformed')
  })

  it('random bytes decode or throw a typed error (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), bytes => {
      decodeOrTypedError(bytes)
    }), { numRuns: 200 })
  })

  it('a valid message with bytes overwritten decodes or throws a typed error (property)', () => {
    const valid = encodeMessage(richMessage(), '1.2.0')
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), edits => {
      const bytes = valid.slice()
      for (const [at, value] of edits) bytes[at % bytes.byteLength] = value
      decodeOrTypedError(bytes, limits({ maxWantlistEntries: 3, maxBlocks: 1, maxPresences: 2 }))
    }), { numRuns: 200 })
  })

  it('an invalid wire type or an unterminated varint is malformed', () => {
    assert.equal(decodeOrTypedError(Uint8Array.from([0x0f])), 'malformed') // field 1, wire type 7
    assert.equal(decodeOrTypedError(Uint8Array.from([0x28, 0xff, 0xff])), 'malformed') // pendingBytes cut short
    assert.equal(decodeOrTypedError(Uint8Array.from([0x0a, 0x05, 0x0a])), 'malformed') // length past the end
  })
})

describe('wire decode: limits', () => {
  it('rejects more wantlist entries than allowed, and accepts exactly the limit', () => {
    const cids = [1, 2, 3, 4].map(n => cidOf(n).bytes)
    assert.equal(decodeMessage(Uint8Array.from(wantsField(cids.slice(0, 3))), limits({ maxWantlistEntries: 3 })).wantlist?.entries.length, 3)
    assert.throws(() => decodeMessage(Uint8Array.from(wantsField(cids)), limits({ maxWantlistEntries: 3 })), MessageLimitError)
  })

  it('rejects more blocks than allowed, counting raw and payload blocks together', () => {
    const two = Uint8Array.from([...payloadField([1]), ...payloadField([2])])
    assert.equal(decodeMessage(two, limits({ maxBlocks: 2 })).blocks.length, 2)
    assert.throws(() => decodeMessage(Uint8Array.from([...payloadField([1]), ...payloadField([2]), ...payloadField([3])]), limits({ maxBlocks: 2 })), MessageLimitError)
    assert.throws(() => decodeMessage(Uint8Array.from([...rawBlockField([1]), ...rawBlockField([2]), ...rawBlockField([3])]), limits({ maxBlocks: 2 })), MessageLimitError)
    const mixed = Uint8Array.from([...rawBlockField([1]), ...rawBlockField([2]), ...payloadField([3])])
    assert.throws(() => decodeMessage(mixed, limits({ maxBlocks: 2 })), MessageLimitError)
    assert.equal(decodeMessage(mixed, limits({ maxBlocks: 3 })).blocks.length, 3)
  })

  it('rejects more presences than allowed', () => {
    const presences = [1, 2, 3].flatMap(n => presenceField(cidOf(n).bytes, n === 2))
    assert.equal(decodeMessage(Uint8Array.from(presences), limits({ maxPresences: 3 })).presences.length, 3)
    assert.throws(() => decodeMessage(Uint8Array.from(presences), limits({ maxPresences: 2 })), MessageLimitError)
  })

  it('applies the default limits when none are given', () => {
    const entries = DEFAULT_DECODE_LIMITS.maxWantlistEntries
    const small = Uint8Array.from([0x01, 0x55, 0x00, 0x01, 0x00]) // an identity CID: the smallest valid one
    const atLimit = Uint8Array.from(wantsField(new Array(entries).fill(small)))
    assert.equal(decodeMessage(atLimit).wantlist?.entries.length, entries)
    const overLimit = Uint8Array.from(wantsField(new Array(entries + 1).fill(small)))
    assert.throws(() => decodeMessage(overLimit), MessageLimitError)
  })

  it('limit errors and malformed errors are both SwapwrightErrors with stable codes', () => {
    try {
      decodeMessage(Uint8Array.from(wantsField([cidOf(1).bytes, cidOf(2).bytes])), limits({ maxWantlistEntries: 1 }))
      assert.fail('should throw')
    } catch (err) {
      assert.ok(err instanceof SwapwrightError)
      assert.equal(err.code, 'ERR_MESSAGE_LIMIT')
    }
    try {
      decodeMessage(Uint8Array.from([0x0f]))
      assert.fail('should throw')
    } catch (err) {
      assert.ok(err instanceof SwapwrightError)
      assert.equal(err.code, 'ERR_MALFORMED_MESSAGE')
    }
  })
})

describe('wire decode: invalid entries', () => {
  it('drops wants with an unparseable or oversized CID, counts them, and keeps the rest', () => {
    const good1 = cidOf(1)
    const good2 = cidOf(2)
    // A well-formed CID with a 163-byte digest is exactly the largest allowed; one with 170 bytes is too big.
    const largest = cidOf(3, MAX_CID_BYTES - 5, 0x13)
    const tooBig = cidOf(4, 170, 0x13)
    assert.equal(largest.bytes.byteLength, MAX_CID_BYTES)
    assert.ok(tooBig.bytes.byteLength > MAX_CID_BYTES)
    const garbage = [0x01, 0x55, 0x12] // cut inside the multihash
    const trailing = [...good1.bytes, 0x00] // a CID followed by junk
    const bytes = Uint8Array.from(wantsField([good1.bytes, garbage, largest.bytes, tooBig.bytes, [], trailing, good2.bytes]))
    const decoded = decodeMessage(bytes)
    assert.deepEqual(decoded.wantlist?.entries.map(e => e.cid.toString()), [good1, largest, good2].map(c => c.toString()))
    assert.equal(decoded.invalidEntries, 4)
  })

  it('drops presences the same way and keeps the wants, blocks and pendingBytes', () => {
    const bytes = Uint8Array.from([
      ...wantsField([cidOf(1).bytes]),
      ...payloadField([7, 7]),
      ...presenceField([0xde, 0xad]),
      ...presenceField(cidOf(2).bytes, true),
      ...presenceField(cidOf(5, 200, 0x13).bytes),
      ...pbVarint(5, 42)
    ])
    const decoded = decodeMessage(bytes)
    assert.equal(decoded.invalidEntries, 2)
    assert.deepEqual(decoded.presences.map(p => [p.cid.toString(), p.type]), [[cidOf(2).toString(), 'dont-have']])
    assert.equal(decoded.wantlist?.entries.length, 1)
    assert.equal(decoded.blocks.length, 1)
    assert.equal(decoded.pendingBytes, 42)
  })
})

describe('wire decode: block prefixes', () => {
  it('blocks with the prefix of the block before share its array; another prefix or none gets its own', () => {
    const other = [1, 0x70, 0x12, 0x20]
    const bytes = Uint8Array.from([
      ...payloadField([1]), ...payloadField([2]),
      ...pbBytes(3, [...pbBytes(1, other), ...pbBytes(2, [3])]),
      ...pbBytes(3, pbBytes(2, [4])),
      ...payloadField([5])
    ])
    const { blocks } = decodeMessage(bytes)
    assert.deepEqual(blocks.map(block => [...block.prefix]), [[1, 0x55, 0x12, 0x20], [1, 0x55, 0x12, 0x20], other, [], [1, 0x55, 0x12, 0x20]])
    assert.deepEqual(blocks.map(block => [...block.data]), [[1], [2], [3], [4], [5]])
    assert.equal(blocks[1].prefix, blocks[0].prefix)
    assert.notEqual(blocks[2].prefix, blocks[1].prefix)
  })
})
