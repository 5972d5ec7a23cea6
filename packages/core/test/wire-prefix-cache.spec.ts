import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { encodePrefix, encodePrefixOf, prefixOf } from '../src/index.js'
import { cidV1, hash, text } from './fixtures/wire.js'

/*
 * encodePrefixOf remembers prefixes it has encoded by their four numbers. Interleaving more distinct prefixes than
 * it keeps, each differing from another in one number only, must still give every CID its own prefix's bytes.
 */
describe('encodePrefixOf', () => {
  it('gives each CID the bytes of its own prefix, however prefixes interleave', () => {
    const digest32 = hash('sha256', text('a'))
    const digest20 = digest32.subarray(0, 20)
    const cids = []
    for (let codec = 0x50; codec < 0x5c; codec++) {
      cids.push(cidV1(codec, 0x12, digest32), cidV1(codec, 0x13, digest32), cidV1(codec, 0x12, digest20))
    }
    for (let round = 0; round < 3; round++) {
      for (const cid of round === 1 ? [...cids].reverse() : cids) {
        assert.deepEqual(encodePrefixOf(cid), encodePrefix(prefixOf(cid)), `prefix of ${cid.toString()}`)
      }
    }
  })
})
