import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BroadcastRequestSplitter } from '../src/index.js'
import { cidOf, want } from './fixtures.js'

describe('BroadcastRequestSplitter', () => {
  it('sends every want to every ranked peer as WANT_BLOCK', () => {
    const s = new BroadcastRequestSplitter().forSession()
    const assigned = s.split([want(cidOf(1), ['a', 'b']), want(cidOf(2), ['c'])])
    assert.deepEqual(assigned.map(a => `${a.wantType}:${a.peer}`), ['block:a', 'block:b', 'block:c'])
  })

  it('skips peers that already hold the WANT_BLOCK', () => {
    const s = new BroadcastRequestSplitter().forSession()
    assert.deepEqual(s.split([want(cidOf(1), ['a', 'b'], { block: ['a'] })]).map(a => a.peer), ['b'])
  })
})
