import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import {
  BlockTooLargeError, DEFAULT_MAX_OUTGOING_MESSAGE_SIZE, downgradeMessage, emptyMessage, encodedSize, encodeMessage,
  isEmptyMessage, MAX_BLOCK_SIZE, splitMessage
} from '../src/index.js'
import type { BitswapMessage, BlockPayload, ProtocolVersion } from '../src/index.js'
import { cidOf, cidV0, cidV1, hex, int32Arb, PREFIX_RAW_256, PREFIX_V0, presenceArb, want, wantArb } from './fixtures/wire.js'

/*
 * Size estimates and splitting. Every size is checked against the real encoder's output, and every split
 * against the message it came from: nothing lost, nothing reordered, nothing too big.
 */

const VERSIONS: ProtocolVersion[] = ['1.2.0', '1.1.0', '1.0.0']

const block = (length: number, prefix = PREFIX_RAW_256): BlockPayload => ({ prefix, data: new Uint8Array(length).fill(length % 256) })

// Arbitraries --------------------------------------------------------------------------------------------------

const cidArb: fc.Arbitrary<CID> = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map(d => cidV0(d)),
  fc.record({
    codec: fc.constantFrom(0x55, 0x70, 0x0129),
    hash: fc.constantFrom([0x12, 32], [0x13, 64], [0xb220, 32]),
    seed: fc.uint8Array({ minLength: 64, maxLength: 64 })
  }).map(({ codec, hash, seed }) => cidV1(codec, hash[0], seed.slice(0, hash[1])))
)

const blockArb: fc.Arbitrary<BlockPayload> = fc.record({
  prefix: fc.oneof(fc.constantFrom(PREFIX_V0, PREFIX_RAW_256, Uint8Array.from([1, 0x70, 0x12, 32])), fc.uint8Array({ maxLength: 6 })),
  data: fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 100, max: 600 }).map(n => new Uint8Array(n)))
})

const messageArb: fc.Arbitrary<BitswapMessage> = fc.record({
  wantlist: fc.option(fc.record({
    entries: fc.array(wantArb(cidArb, fc.oneof(fc.integer({ min: 0, max: 300 }), int32Arb)), { maxLength: 12 }),
    full: fc.boolean()
  }), { nil: undefined }),
  blocks: fc.array(blockArb, { maxLength: 6 }),
  presences: fc.array(presenceArb(cidArb), { maxLength: 10 }),
  pendingBytes: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 31 - 1 }))
})

// Helpers ------------------------------------------------------------------------------------------------------

type Item = ['block', string] | ['presence', string] | ['want', string]
const STAGE = { block: 0, presence: 1, want: 2 }

/** A message's content as one sequence, in the order its parts are meant to be read. */
function items (message: BitswapMessage): Item[] {
  return [
    ...message.blocks.map((b): Item => ['block', hex(b.prefix) + ':' + hex(b.data)]),
    ...message.presences.map((p): Item => ['presence', `${p.cid.toString()}:${p.type}`]),
    ...(message.wantlist?.entries ?? []).map((e): Item => ['want', `${e.cid.toString()}:${e.priority}:${e.wantType}:${e.sendDontHave}:${e.cancel}`])
  ]
}

/** Checks every rule a split must keep; returns the parts for further checks. */
function checkSplit (message: BitswapMessage, version: ProtocolVersion, targetSize: number): BitswapMessage[] {
  const parts = splitMessage(message, { version, targetSize, maxSize: 1 << 20 })

  // Never an empty part, and nothing at all for an empty message.
  for (const part of parts) assert.equal(isEmptyMessage(part), false)
  if (isEmptyMessage(message)) assert.deepEqual(parts, [])
  else assert.ok(parts.length > 0)

  // Each part fits, unless it is one block too big to fit on its own.
  for (const part of parts) {
    const size = encodeMessage(part, version).byteLength
    if (size <= targetSize) continue
    const alone = items(part).length === 1 && part.blocks.length === 1 && part.wantlist == null
    assert.ok(alone, `part of ${size} bytes over the target of ${targetSize} holds ${items(part).length} items`)
  }

  // Reading the parts in order gives back the content in order: blocks, then presences, then wants.
  const sequence = parts.flatMap(items)
  assert.deepEqual(sequence, items(message))
  for (let i = 1; i < sequence.length; i++) assert.ok(STAGE[sequence[i - 1][0]] <= STAGE[sequence[i][0]])

  // `full` goes only on the first part that carries a wantlist, and only if the message was full.
  const withWantlist = parts.filter(p => p.wantlist != null)
  const full = message.wantlist?.full === true
  withWantlist.forEach((part, i) => assert.equal(part.wantlist?.full, full && i === 0))
  if (full) assert.ok(withWantlist.length > 0, 'a full wantlist is always sent, even an empty one')
  // A wantlist travels only with wants, except the one empty full wantlist that means "forget all my wants".
  for (const part of withWantlist) {
    if (part.wantlist?.entries.length === 0) assert.ok(full && (message.wantlist?.entries.length ?? 0) === 0)
  }

  // pendingBytes is not content: every part reports the sender's queue as it was.
  for (const part of parts) assert.equal(part.pendingBytes, message.pendingBytes)
  return parts
}

describe('wire size: encodedSize', () => {
  it('equals the encoded length for every version, once downgraded (property)', () => {
    fc.assert(fc.property(messageArb, message => {
      for (const version of VERSIONS) {
        const fitted = downgradeMessage(message, version).message
        assert.equal(encodedSize(fitted, version), encodeMessage(fitted, version).byteLength, version)
      }
    }), { numRuns: 200 })
  })

  it('equals the encoded length at varint boundaries', () => {
    for (const length of [0, 1, 127, 128, 16383, 16384]) {
      for (const version of VERSIONS) {
        const message = { ...emptyMessage(), blocks: [block(length, PREFIX_V0)] }
        assert.equal(encodedSize(message, version), encodeMessage(message, version).byteLength, `${version} ${length}`)
      }
    }
    for (const priority of [0, 1, 127, 128, -1, 2 ** 31 - 1, -(2 ** 31)]) {
      const message = { ...emptyMessage(), wantlist: { full: true, entries: [want(cidOf(1), { priority })] } }
      assert.equal(encodedSize(message), encodeMessage(message).byteLength, `priority ${priority}`)
    }
    for (const pendingBytes of [0, 1, 127, 128, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, -1]) {
      const message = { ...emptyMessage(), pendingBytes }
      assert.equal(encodedSize(message), encodeMessage(message).byteLength, `pendingBytes ${pendingBytes}`)
    }
  })
})

describe('wire split: splitMessage', () => {
  it('keeps every rule for arbitrary messages, targets and versions (property)', () => {
    fc.assert(fc.property(messageArb, fc.integer({ min: 128, max: 1500 }), fc.constantFrom(...VERSIONS), (message, targetSize, version) => {
      checkSplit(downgradeMessage(message, version).message, version, targetSize)
    }), { numRuns: 200 })
  })

  it('an empty message gives no parts', () => {
    assert.deepEqual(splitMessage(emptyMessage()), [])
    assert.deepEqual(splitMessage({ ...emptyMessage(), pendingBytes: 500 }), [])
    assert.deepEqual(splitMessage({ ...emptyMessage(), wantlist: { entries: [], full: false } }), [])
  })

  it('an empty full wantlist is kept: it means "forget all my wants"', () => {
    const parts = splitMessage({ ...emptyMessage(), wantlist: { entries: [], full: true } })
    assert.equal(parts.length, 1)
    assert.deepEqual(parts[0].wantlist, { entries: [], full: true })
    assert.deepEqual(parts[0].blocks, [])
  })

  it('an empty full wantlist behind blocks goes last and still fits the target', () => {
    const one = encodedSize({ ...emptyMessage(), blocks: [block(100)] })
    const message = { ...emptyMessage(), blocks: [block(100), block(100)], wantlist: { entries: [], full: true } }
    const parts = checkSplit(message, '1.2.0', 2 * one)
    assert.equal(parts.at(-1)?.wantlist?.full, true)
  })

  it('a full wantlist behind blocks that fill a part starts in the next part, full', () => {
    // The first part holds exactly one block at the target; the wantlist must not ride along with it.
    const target = encodedSize({ ...emptyMessage(), blocks: [block(100)] })
    const message = { ...emptyMessage(), blocks: [block(100), block(100)], wantlist: { full: true, entries: [want(cidOf(1)), want(cidOf(2))] } }
    const parts = checkSplit(message, '1.2.0', target)
    assert.equal(parts[0].wantlist, undefined)
    assert.ok(encodeMessage(parts[0]).byteLength <= target)
  })

  it('a full wantlist split over several parts is full only in the first', () => {
    const entries = Array.from({ length: 40 }, (_, i) => want(cidOf(i)))
    const parts = checkSplit({ ...emptyMessage(), wantlist: { full: true, entries } }, '1.2.0', 400)
    assert.ok(parts.length > 1)
    assert.deepEqual(parts.map(p => p.wantlist?.full), parts.map((_, i) => i === 0))
  })

  it('fills parts up to the target rather than sending one item each', () => {
    const entries = Array.from({ length: 40 }, (_, i) => want(cidOf(i)))
    const message = { ...emptyMessage(), wantlist: { full: false, entries } }
    const total = encodedSize(message)
    const parts = checkSplit(message, '1.2.0', Math.ceil(total / 3) + 50)
    assert.ok(parts.length <= 3, `${parts.length} parts`)
  })

  it('sends a block bigger than the target alone, and throws for one bigger than the hard limit', () => {
    const big = block(3000)
    const parts = checkSplit({ ...emptyMessage(), blocks: [block(10), big, block(10)], presences: [{ cid: cidOf(1), type: 'have' }] }, '1.2.0', 1000)
    assert.ok(parts.some(p => p.blocks.length === 1 && p.blocks[0] === big && p.presences.length === 0))
    assert.throws(() => splitMessage({ ...emptyMessage(), blocks: [block(10), block(3000)] }, { targetSize: 1000, maxSize: 2000 }), (err: unknown) => {
      assert.ok(err instanceof BlockTooLargeError)
      assert.equal(err.limit, 2000)
      assert.ok(err.size > 3000)
      return true
    })
  })

  it('sizes 1.0.0 raw blocks as 1.0.0 encodes them', () => {
    const message = downgradeMessage({ ...emptyMessage(), blocks: [block(300, PREFIX_V0), block(300, PREFIX_V0), block(300, PREFIX_V0)] }, '1.0.0').message
    // A raw block is field 2: tag (1 byte), length 300 (2 bytes), the bytes; two fit exactly, three do not.
    const parts = checkSplit(message, '1.0.0', 2 * (1 + 2 + 300))
    assert.deepEqual(parts.map(p => p.blocks.length), [2, 1])
  })

  it('with the defaults, a block of the maximum size goes out alone and two never share a message', () => {
    const data = new Uint8Array(MAX_BLOCK_SIZE)
    const max = { prefix: PREFIX_RAW_256, data }
    const parts = splitMessage({ ...emptyMessage(), blocks: [max, max, block(10)], wantlist: { full: false, entries: [want(cidOf(1))] } })
    assert.deepEqual(parts.map(p => p.blocks.length), [1, 1, 1])
    assert.ok(encodedSize(parts[0]) > DEFAULT_MAX_OUTGOING_MESSAGE_SIZE, 'one max-size block is over the target on its own')
    assert.deepEqual(parts.map(p => p.wantlist?.entries.length ?? 0), [0, 0, 1])
  })
})
