import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { collectChunks } from '../src/index.js'

async function * slowly (parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    await new Promise(resolve => setImmediate(resolve))
    yield part
  }
}

describe('collectChunks', () => {
  it('answers a synchronous source synchronously, and returns a lone chunk without a copy', () => {
    const lone = Uint8Array.from([1, 2, 3])
    const got = collectChunks([lone])
    assert.ok(got instanceof Uint8Array, 'not a promise')
    assert.equal(got, lone)
    assert.deepEqual(collectChunks([Uint8Array.from([1]), Uint8Array.from([2, 3])]), Uint8Array.from([1, 2, 3]))
  })

  it('joins the chunks of an async source in order', async () => {
    assert.deepEqual(await collectChunks(slowly([Uint8Array.from([1, 2]), Uint8Array.from([3]), Uint8Array.from([4])])), Uint8Array.from([1, 2, 3, 4]))
  })

  it('ends with the signal\'s reason when aborted while reading', async () => {
    const controller = new AbortController()
    const reason = new Error('caller gave up')
    async function * abortingAfterFirst (): AsyncGenerator<Uint8Array> {
      yield Uint8Array.from([1])
      controller.abort(reason)
      yield Uint8Array.from([2])
    }
    await assert.rejects(async () => collectChunks(abortingAfterFirst(), { signal: controller.signal }), err => err === reason)
  })
})
