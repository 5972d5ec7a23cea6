import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeMessage, encodeForPeer, encodePrefixOf, type BitswapMessage } from '@swapwright/core'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { CidInterner, SharingMessageDecoder, SharingMessageEncoder } from '../src/index.js'

async function cidOf (text: string): Promise<{ cid: CID, data: Uint8Array }> {
  const data = new TextEncoder().encode(text)
  return { cid: CID.createV1(raw.code, await sha256.digest(data)), data }
}

function wants (cids: CID[], wantType: 'block' | 'have' = 'have'): BitswapMessage {
  return {
    wantlist: { full: false, entries: cids.map(cid => ({ cid, priority: 1, wantType, sendDontHave: true, cancel: false })) },
    blocks: [],
    presences: [],
    pendingBytes: 0
  }
}

describe('SharingMessageDecoder', () => {
  it('gives equal bytes one frozen decoded message, equal to decoding them', async () => {
    const cids = await Promise.all(['a', 'b', 'c'].map(async t => (await cidOf(t)).cid))
    const [bytes] = encodeForPeer(wants(cids), '1.2.0')
    const decoder = new SharingMessageDecoder(undefined)
    const first = decoder.decode(bytes)
    const second = decoder.decode(bytes.slice())
    assert.equal(second, first)
    assert.equal(decoder.reused, 1)
    assert.deepEqual(first, decodeMessage(bytes))
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.wantlist?.entries) && Object.isFrozen(first.wantlist?.entries[0]))
    assert.throws(() => { (first.wantlist?.entries as unknown[]).push(1) }, TypeError)
  })

  it('decodes different bytes of one length apart, and never shares a message with blocks', async () => {
    const [a, b] = await Promise.all([cidOf('a'), cidOf('b')])
    const decoder = new SharingMessageDecoder(undefined)
    const one = decoder.decode(encodeForPeer(wants([a.cid]), '1.2.0')[0])
    const other = decoder.decode(encodeForPeer(wants([b.cid]), '1.2.0')[0])
    assert.notEqual(other, one)
    assert.ok(other.wantlist?.entries[0].cid.equals(b.cid))
    const withBlock: BitswapMessage = { blocks: [{ prefix: encodePrefixOf(a.cid), data: a.data }], presences: [], pendingBytes: 0 }
    const [bytes] = encodeForPeer(withBlock, '1.2.0')
    assert.notEqual(decoder.decode(bytes), decoder.decode(bytes))
    assert.equal(decoder.reused, 0)
  })
})

describe('CidInterner', () => {
  it('gives different messages naming one CID one object for it, on bytes of its own', async () => {
    const [a, b, c] = await Promise.all([cidOf('a'), cidOf('b'), cidOf('c')])
    const decoder = new SharingMessageDecoder(undefined)
    const asked = decoder.decode(encodeForPeer(wants([a.cid, b.cid]), '1.2.0')[0])
    const presences: BitswapMessage = { blocks: [], presences: [{ cid: c.cid, type: 'have' }, { cid: b.cid, type: 'dont-have' }], pendingBytes: 0 }
    const answered = decoder.decode(encodeForPeer(presences, '1.2.0')[0])
    const [, askedB] = asked.wantlist?.entries ?? []
    assert.equal(answered.presences[1].cid, askedB.cid)
    assert.notEqual(answered.presences[0].cid, askedB.cid)
    assert.ok(answered.presences[0].cid.equals(c.cid))
    assert.equal(askedB.cid.bytes.byteLength, askedB.cid.bytes.buffer.byteLength)
    assert.equal(decoder.reused, 0)
  })

  it('starts over at its limit, and refuses a limit that is not a whole number', async () => {
    const [a, b] = await Promise.all([cidOf('a'), cidOf('b')])
    const interner = new CidInterner(1)
    const first = interner.intern(CID.decode(a.cid.bytes.slice()))
    assert.equal(interner.intern(CID.decode(a.cid.bytes.slice())), first)
    interner.intern(b.cid)
    assert.notEqual(interner.intern(CID.decode(a.cid.bytes.slice())), first)
    const off = new CidInterner(0)
    assert.notEqual(off.intern(CID.decode(a.cid.bytes.slice())), off.intern(CID.decode(a.cid.bytes.slice())))
    for (const limit of [-1, 1.5, Number.NaN]) assert.throws(() => new CidInterner(limit), /limit must be a whole number >= 0/)
  })
})

describe('SharingMessageEncoder', () => {
  it('gives messages with the same entries the same bytes, and others their own', async () => {
    const [a, b] = await Promise.all([cidOf('a'), cidOf('b')])
    const encoder = new SharingMessageEncoder()
    const first = encoder.encode(wants([a.cid, b.cid]), '1.2.0', undefined)
    assert.equal(encoder.encode(wants([a.cid, b.cid]), '1.2.0', undefined), first)
    assert.equal(encoder.reused, 1)
    assert.deepEqual(first, encodeForPeer(wants([a.cid, b.cid]), '1.2.0'))
    for (const changed of [wants([b.cid, a.cid]), wants([a.cid, b.cid], 'block'), { ...wants([a.cid, b.cid]), pendingBytes: 9 }]) {
      assert.deepEqual(encoder.encode(changed, '1.2.0', undefined), encodeForPeer(changed, '1.2.0'))
    }
    assert.deepEqual(encoder.encode(wants([a.cid, b.cid]), '1.1.0', undefined), encodeForPeer(wants([a.cid, b.cid]), '1.1.0'))
    assert.equal(encoder.reused, 1)
  })
})
