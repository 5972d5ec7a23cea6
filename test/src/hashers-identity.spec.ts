import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { blake2b256, blake3_256, sha3_256, sha3_512, UnknownHashError } from '@swapwright/core'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import { makeBlocks, type TestBlock } from './util/blocks.js'
import { Swarm } from './util/swarm.js'
import { sameBytes } from './util/swapwright-node.js'
import type { MultihashHasher } from 'multiformats/hashes/interface'

/** The same contents as `makeBlocks`, addressed with another hash function. */
async function rehash (blocks: TestBlock[], hasher: MultihashHasher): Promise<TestBlock[]> {
  return Promise.all(blocks.map(async ({ data }) => ({ cid: CID.createV1(raw.code, await hasher.digest(data)), data })))
}

/** Counts the messages the simulated network carried. */
function wire (): { messages: number, swarm: Swarm } {
  const counter = { messages: 0, swarm: undefined as unknown as Swarm }
  counter.swarm = new Swarm({ latency: 10, onDeliver: () => { counter.messages++ } })
  return counter
}

describe('hashers: per node, and a want a node cannot verify fails at once', () => {
  it('fetches blake2b-256, sha3-256, sha3-512 and blake3 content with the shipped hashers, byte-exact', async () => {
    const base = await makeBlocks(6, 3000, 81)
    const blocks = [
      ...await rehash(base.slice(0, 2), blake2b256), ...await rehash(base.slice(2, 3), sha3_256),
      ...await rehash(base.slice(3, 4), sha3_512), ...await rehash(base.slice(4, 6), blake3_256)
    ]
    const swarm = new Swarm({ latency: 10 })
    await swarm.add('seed', { blocks })
    const fetcher = await swarm.add('fetcher')
    await swarm.connectAll()
    const session = fetcher.node.createSession()
    const got = new Map<string, Uint8Array>()
    await swarm.run(async () => {
      for await (const { cid, bytes } of session.getBlocks(blocks.map(b => b.cid))) got.set(cid.toString(), bytes)
    })
    session.close()
    for (const block of blocks) assert.ok(sameBytes(got.get(block.cid.toString()), block.data), `${block.cid}`)
    assert.equal(fetcher.node.stats().client.invalidBlocks, 0)
    await swarm.stop()
  })

  it('a node without the hash function rejects want, getBlock and getBlocks at once, naming the code, and sends nothing', async () => {
    const [block] = await rehash(await makeBlocks(1, 2000, 82), blake2b256)
    const [plain] = await makeBlocks(1, 2000, 83)
    const counter = wire()
    const swarm = counter.swarm
    await swarm.add('seed', { blocks: [block, plain] })
    const strict = await swarm.add('strict', { options: { hashers: [sha256] } })
    const full = await swarm.add('full')
    await swarm.connectAll()
    const before = counter.messages
    const start = swarm.clock.now()

    await assert.rejects(swarm.run(async () => strict.node.want(block.cid)), (err: unknown) =>
      err instanceof UnknownHashError && err.hashCode === 0xb220 && /0xb220/.test(err.message))
    const session = strict.node.createSession()
    await assert.rejects(swarm.run(async () => session.getBlock(block.cid)), UnknownHashError)
    await assert.rejects(swarm.run(async () => {
      for await (const _ of session.getBlocks([block.cid])) { /* never reached */ }
    }), UnknownHashError)
    session.close()
    assert.equal(swarm.clock.now() - start, 0, 'no virtual time passed: nothing was waited for')
    assert.equal(counter.messages, before, 'nothing went on the wire')
    assert.deepEqual(strict.node.getWantlist(), [])

    // Hashers belong to the node: in the same process, a node with the shipped set fetches it.
    assert.ok(sameBytes(await swarm.run(async () => full.node.want(block.cid)), block.data))
    assert.ok(sameBytes(await swarm.run(async () => strict.node.want(plain.cid)), plain.data), 'the strict node still fetches sha2-256')
    await swarm.stop()
  })

  it('rejects a hashers option that holds something other than a hasher', async () => {
    const swarm = new Swarm()
    await assert.rejects(swarm.add('bad', { options: { hashers: [{ code: 0x12 } as unknown as MultihashHasher] } }), TypeError)
  })
})

describe('identity CIDs: the block is the digest, resolved locally and never on the wire', () => {
  it('want, getBlock and getBlocks resolve an identity CID at once with no message sent and nothing stored', async () => {
    const data = new TextEncoder().encode('inlined leaf')
    const inline = CID.createV1(raw.code, identity.digest(data))
    const [normal] = await makeBlocks(1, 1000, 84)
    const counter = wire()
    const swarm = counter.swarm
    await swarm.add('seed', { blocks: [normal] })
    const fetcher = await swarm.add('fetcher')
    await swarm.connectAll()
    const before = counter.messages

    assert.ok(sameBytes(await swarm.run(async () => fetcher.node.want(inline)), data))
    const session = fetcher.node.createSession()
    assert.ok(sameBytes(await swarm.run(async () => session.getBlock(inline)), data))
    assert.equal(counter.messages, before, 'an identity CID never goes on the wire')
    const got = new Map<string, Uint8Array>()
    await swarm.run(async () => {
      for await (const { cid, bytes } of session.getBlocks([inline, normal.cid])) got.set(cid.toString(), bytes)
    })
    session.close()
    assert.ok(sameBytes(got.get(inline.toString()), data))
    assert.ok(sameBytes(got.get(normal.cid.toString()), normal.data))
    assert.equal(await fetcher.store.has(inline), false)
    await swarm.stop()
  })
})
