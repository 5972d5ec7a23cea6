import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { levelBlockstore } from '../src/index.js'
import { blockstoreCompliance } from './compliance.js'
import { assertBytes, collect, freshDir, makeBlock } from './fixtures.js'

blockstoreCompliance('level', async () => {
  const dir = await freshDir('level')
  const store = levelBlockstore(join(dir, 'db'))
  await store.open()
  return {
    store,
    teardown: async () => {
      await store.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
})

describe('LevelBlockstore', () => {
  it('keeps blocks across close and reopen', async () => {
    const dir = await freshDir('level')
    try {
      const block = await makeBlock(4096)
      const first = levelBlockstore(join(dir, 'db'))
      await first.open()
      await first.put(block.cid, block.bytes)
      await first.close()
      const second = levelBlockstore(join(dir, 'db'))
      await second.open()
      assertBytes(await collect(second.get(block.cid)), block.bytes)
      await second.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses every call before open(), naming the path', async () => {
    const block = await makeBlock(16)
    const store = levelBlockstore('/nonexistent/never-opened')
    await assert.rejects(async () => store.put(block.cid, block.bytes), { name: 'StoreNotOpenError', message: /never-opened/ })
    await assert.rejects(async () => store.has(block.cid), { name: 'StoreNotOpenError' })
    await assert.rejects(async () => collect(store.get(block.cid)), { name: 'StoreNotOpenError' })
    await store.close()
  })
})
