import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { blockFileName, shardOf, shardOfMultihash } from '../src/fs-layout.js'
import { fsBlockstore } from '../src/index.js'
import { inFreshDir, makeBlock } from './fixtures.js'

describe('fs layout', () => {
  it('names the shard of a multihash as its file name does, for every length and bit pattern', () => {
    // lengths 1-40 cover every alignment of the last base32 characters; patterns cover every bit position
    for (let length = 1; length <= 40; length++) {
      for (const fill of [0x00, 0xff, 0xa5, 0x5a, 0x0f, 0xf0]) {
        for (let flip = 0; flip < length * 8; flip += 3) {
          const multihash = new Uint8Array(length).fill(fill)
          multihash[flip >> 3] ^= 1 << (flip & 7)
          assert.equal(shardOfMultihash(multihash), shardOf(blockFileName(multihash)), `length ${length}, fill ${fill}, bit ${flip}`)
        }
      }
    }
  })

  it('answers has without a promise when neither the log nor the shard can hold the block', async () => inFreshDir('fs', async dir => {
    const store = fsBlockstore(dir)
    await store.open()
    const absent = await makeBlock()
    const logged = await makeBlock()
    await store.put(logged.cid, logged.bytes)
    // a fresh fetch looks up every block it wants: an answer known in memory costs no promise
    assert.equal(store.has(absent.cid), false)
    assert.equal(store.has(logged.cid), true)
    await store.close()
  }))
})
