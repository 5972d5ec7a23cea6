import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { before, describe, it } from 'node:test'
import { fileURLToPath, pathToFileURL } from 'node:url'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { decodeMessage, encodeMessage } from '../src/index.js'
import type { BitswapMessage } from '../src/index.js'
import { hex, presenceArb, text, view, want, wantArb } from './fixtures/wire.js'

/*
 * Golden bytes against the protobuf module of @helia/bitswap, the other TypeScript Bitswap: what it writes we
 * must read, what we write it must read, and where both write the same fields the bytes must be identical.
 * Helia speaks only 1.2.0 and has no field 2 (raw 1.0.0 blocks), so only 1.2.0 is compared.
 */

const HELIA_PB = join('node_modules', '@helia', 'bitswap', 'dist', 'src', 'pb', 'message.js')

/** Walks up from this file to the directory whose node_modules holds @helia/bitswap (the repo root). */
function findHeliaModule (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, HELIA_PB)
    if (existsSync(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`Cannot find ${HELIA_PB} above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}

/** Helia's generated module, loaded by file URL because its package exports do not expose it. */
let helia: any

/** The same picture as `view`, of a message Helia decoded; its optional fields are undefined when absent. */
function heliaView (decoded: any): unknown {
  return {
    wantlist: decoded.wantlist == null
      ? null
      : {
          full: decoded.wantlist.full ?? false,
          entries: decoded.wantlist.entries.map((e: any) => ({
            cid: CID.decode(e.cid).toString(),
            priority: e.priority,
            wantType: e.wantType === helia.WantType.WantHave ? 'have' : 'block',
            sendDontHave: e.sendDontHave ?? false,
            cancel: e.cancel ?? false
          }))
        },
    blocks: decoded.blocks.map((b: any) => ({ prefix: hex(b.prefix), data: hex(b.data) })),
    presences: decoded.blockPresences.map((p: any) => ({
      cid: CID.decode(p.cid).toString(),
      type: p.type === helia.BlockPresenceType.DoNotHaveBlock ? 'dont-have' : 'have'
    })),
    pendingBytes: decoded.pendingBytes
  }
}

/**
 * Our message as Helia's encoder input. With `explicitDefaults` false, a field at its default is left out,
 * which is what a proto3 encoder (ours) does; with it true, every field is set, as Helia's own client does.
 */
function toHelia (message: BitswapMessage, explicitDefaults: boolean): unknown {
  const orDefault = <T>(value: T, isDefault: boolean): T | undefined => explicitDefaults || !isDefault ? value : undefined
  return {
    wantlist: message.wantlist == null
      ? undefined
      : {
          full: orDefault(message.wantlist.full, !message.wantlist.full),
          entries: message.wantlist.entries.map(e => ({
            cid: e.cid.bytes,
            priority: e.priority,
            cancel: orDefault(e.cancel, !e.cancel),
            wantType: orDefault(e.wantType === 'have' ? helia.WantType.WantHave : helia.WantType.WantBlock, e.wantType === 'block'),
            sendDontHave: orDefault(e.sendDontHave, !e.sendDontHave)
          }))
        },
    blocks: message.blocks.map(b => ({ prefix: b.prefix, data: b.data })),
    blockPresences: message.presences.map(p => ({
      cid: p.cid.bytes,
      type: p.type === 'have' ? helia.BlockPresenceType.HaveBlock : helia.BlockPresenceType.DoNotHaveBlock
    })),
    pendingBytes: message.pendingBytes
  }
}

const fixedCid = CID.createV1(0x55, Digest.create(0x12, new Uint8Array(32).fill(0xab)))
const v0Cid = CID.createV0(Digest.create(0x12, new Uint8Array(32).fill(0xcd)) as any)
const sha512Cid = CID.createV1(0x70, Digest.create(0x13, new Uint8Array(64).fill(0x5a)))

/** Wants of both types with cancel, sendDontHave and priorities, full, payload blocks, both presences, pendingBytes. */
function sampleMessage (): BitswapMessage {
  return {
    wantlist: {
      full: true,
      entries: [
        want(fixedCid, { priority: 3, wantType: 'have', sendDontHave: true }),
        want(v0Cid, { priority: 10 }),
        want(sha512Cid, { priority: 1, cancel: true }),
        want(fixedCid, { priority: 0, wantType: 'block', sendDontHave: true })
      ]
    },
    blocks: [
      { prefix: Uint8Array.from([0x01, 0x55, 0x12, 0x20]), data: text('hello') },
      { prefix: Uint8Array.from([0x00, 0x70, 0x12, 0x20]), data: text('a dag-pb block, in theory') }
    ],
    presences: [
      { cid: fixedCid, type: 'have' },
      { cid: v0Cid, type: 'dont-have' }
    ],
    pendingBytes: 300
  }
}

describe('wire golden bytes against @helia/bitswap', () => {
  before(async () => {
    helia = await import(pathToFileURL(findHeliaModule()).href)
    assert.equal(typeof helia.BitswapMessage?.encode, 'function', 'Helia exposes BitswapMessage.encode')
  })

  it('both encoders produce the bytes written out by hand from the 1.2.0 schema', () => {
    const message: BitswapMessage = {
      wantlist: { full: true, entries: [want(fixedCid, { priority: 3, wantType: 'have', sendDontHave: true })] },
      blocks: [{ prefix: Uint8Array.from([0x01, 0x55, 0x12, 0x20]), data: text('hello') }],
      presences: [{ cid: fixedCid, type: 'dont-have' }],
      pendingBytes: 300
    }
    const cid = '01551220' + 'ab'.repeat(32) // 36 bytes
    const entry = '0a24' + cid + '1003' + '2001' + '2801' // 44 bytes: cid, priority 3, want-have, sendDontHave
    const wantlist = '0a2c' + entry + '1001' // 48 bytes: the entry, full
    const block = '0a0401551220' + '120568656c6c6f' // 13 bytes: prefix, data "hello"
    const presence = '0a24' + cid + '1001' // 40 bytes: cid, DontHave
    const golden = '0a30' + wantlist + '1a0d' + block + '2228' + presence + '28ac02' // pendingBytes 300
    assert.equal(hex(encodeMessage(message, '1.2.0')), golden)
    assert.equal(hex(helia.BitswapMessage.encode(toHelia(message, false))), golden)
  })

  it('Helia\'s bytes decode in ours to the same message', () => {
    for (const explicitDefaults of [false, true]) {
      const bytes = helia.BitswapMessage.encode(toHelia(sampleMessage(), explicitDefaults))
      const decoded = decodeMessage(bytes)
      assert.deepEqual(view(decoded), view(sampleMessage()), `explicitDefaults=${explicitDefaults}`)
      assert.equal(decoded.invalidEntries, 0)
    }
  })

  it('our bytes decode in Helia to the same message', () => {
    const decoded = helia.BitswapMessage.decode(encodeMessage(sampleMessage(), '1.2.0'))
    assert.deepEqual(heliaView(decoded), view(sampleMessage()))
  })

  it('our bytes equal Helia\'s when it leaves defaults out as we do', () => {
    assert.equal(hex(encodeMessage(sampleMessage(), '1.2.0')), hex(helia.BitswapMessage.encode(toHelia(sampleMessage(), false))))
  })

  it('Helia\'s explicit defaults cost bytes but not meaning', () => {
    // Helia's schema marks cancel, wantType, sendDontHave and full `optional`, so when its client sets them to
    // false / WantBlock it still writes them (2 bytes each); proto3 without `optional` omits default values.
    // Both readers treat a missing field as its default, so the encodings differ and the content does not.
    const ours = encodeMessage(sampleMessage(), '1.2.0')
    const theirs = helia.BitswapMessage.encode(toHelia(sampleMessage(), true))
    assert.ok(theirs.byteLength > ours.byteLength)
    assert.deepEqual(view(decodeMessage(theirs)), view(decodeMessage(ours)))
    assert.deepEqual(heliaView(helia.BitswapMessage.decode(ours)), heliaView(helia.BitswapMessage.decode(theirs)))
  })

  it('agree both ways, byte for byte, on arbitrary 1.2.0 messages (property)', () => {
    const cidArb = fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map(d => CID.createV0(Digest.create(0x12, d) as any)),
      fc.record({
        codec: fc.constantFrom(0x55, 0x70, 0x71, 0x0129),
        digest: fc.uint8Array({ minLength: 32, maxLength: 32 })
      }).map(({ codec, digest }) => CID.createV1(codec, Digest.create(0x12, digest)))
    )
    const messageArb: fc.Arbitrary<BitswapMessage> = fc.record({
      wantlist: fc.option(fc.record({
        full: fc.boolean(),
        entries: fc.array(wantArb(cidArb), { maxLength: 5 })
      }), { nil: undefined }),
      blocks: fc.array(fc.record({ prefix: fc.uint8Array({ maxLength: 6 }), data: fc.uint8Array({ maxLength: 40 }) }), { maxLength: 3 }),
      presences: fc.array(presenceArb(cidArb), { maxLength: 4 }),
      pendingBytes: fc.integer({ min: 0, max: 2 ** 31 - 1 })
    })
    fc.assert(fc.property(messageArb, message => {
      const ours = encodeMessage(message, '1.2.0')
      const theirs = helia.BitswapMessage.encode(toHelia(message, false))
      assert.equal(hex(ours), hex(theirs))
      assert.deepEqual(heliaView(helia.BitswapMessage.decode(ours)), view(message))
      assert.deepEqual(view(decodeMessage(helia.BitswapMessage.encode(toHelia(message, true)))), view(message))
    }), { numRuns: 100 })
  })
})
