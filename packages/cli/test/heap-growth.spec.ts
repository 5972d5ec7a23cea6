import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SMALL_BLOCK_HEAP_GROWTH, SMALL_BLOCK_MEAN } from '../src/constants.js'
import { smallBlockHeapGrowth } from '../src/heap-growth.js'

/** The flags a fetch's progress would set, block by block, for blocks of `size` bytes. */
function flagsFor (size: number, blocks: number): string[] {
  const set: string[] = []
  const check = smallBlockHeapGrowth(SMALL_BLOCK_HEAP_GROWTH, flags => { set.push(flags) })
  for (let n = 1; n <= blocks; n++) check({ blocks: n, bytes: n * size })
  return set
}

describe('heap growth of a fetch', () => {
  it('limits the growth once, after 256 blocks, when they are small', () => {
    assert.deepEqual(flagsFor(1024, 255), [])
    assert.deepEqual(flagsFor(1024, 5000), [`--heap-growing-percent=${SMALL_BLOCK_HEAP_GROWTH}`])
  })

  it('leaves a fetch of big blocks to V8', () => {
    assert.deepEqual(flagsFor(SMALL_BLOCK_MEAN, 1000), [])
    assert.deepEqual(flagsFor(1024 * 1024, 1000), [])
  })
})
