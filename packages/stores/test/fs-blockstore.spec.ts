import assert from 'node:assert/strict'
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { base32upper } from 'multiformats/bases/base32'
import { DEFAULT_FS_CONCURRENCY, fsBlockstore } from '../src/index.js'
import { blockstoreCompliance } from './compliance.js'
import { assertBytes, collect, drain, FILES_ONLY, freshDir, inFreshDir, makeBlock, makeBlocks, mhKey } from './fixtures.js'
import type { FsBlockstoreInit } from '../src/index.js'
import type { CID } from 'multiformats/cid'

function fsFactory (init?: FsBlockstoreInit) {
  return async () => {
    const dir = await freshDir('fs')
    const store = fsBlockstore(dir, init)
    await store.open()
    return {
      store,
      teardown: async () => {
        await store.close()
        await rm(dir, { recursive: true, force: true })
      }
    }
  }
}

blockstoreCompliance('fs', fsFactory())
blockstoreCompliance('fs with fsync', fsFactory({ fsync: true }))
blockstoreCompliance('fs with concurrency 1', fsFactory({ concurrency: 1 }))
blockstoreCompliance('fs, one file per block', fsFactory(FILES_ONLY))
blockstoreCompliance('fs, a segment per few records', fsFactory({ segmentSize: 4096 }))

/** Where the layout promises a block: the next-to-last two characters of its base32 multihash, as the directory. */
function expectedPath (root: string, cid: CID): string {
  const name = base32upper.baseEncode(cid.multihash.bytes)
  return join(root, name.slice(-3, -1), `${name}.data`)
}

async function withStore (test: (dir: string) => Promise<void>): Promise<void> {
  await inFreshDir('fs', test)
}

describe('FsBlockstore', () => {
  it('has documented defaults', () => {
    const store = fsBlockstore('relative/dir')
    assert.equal(store.fsync, false)
    assert.equal(store.concurrency, DEFAULT_FS_CONCURRENCY)
    assert.equal(DEFAULT_FS_CONCURRENCY, 32)
    assert.equal(store.createIfMissing, true)
    assert.ok(store.path.endsWith(join('relative', 'dir')) && store.path !== 'relative/dir', 'path is made absolute')
    assert.throws(() => fsBlockstore('x', { concurrency: 0 }), RangeError)
  })

  it('writes one file per block under a sharded directory, and nothing else', async () => withStore(async dir => {
    const store = fsBlockstore(dir, FILES_ONLY)
    await store.open()
    const blocks = await makeBlocks(64)
    await drain(store.putMany(blocks))
    const expected = new Set(blocks.map(block => expectedPath(dir, block.cid)))
    const found = new Set<string>()
    for (const shard of await readdir(dir)) {
      assert.match(shard, /^[A-Z2-7]{2}$/)
      for (const file of await readdir(join(dir, shard))) found.add(join(dir, shard, file))
    }
    assert.deepEqual(found, expected)
    assert.ok(new Set([...found].map(file => file.slice(dir.length + 1, dir.length + 3))).size > 16, 'blocks spread over many shards')
    for (const block of blocks) assertBytes(new Uint8Array(await readFile(expectedPath(dir, block.cid))), block.bytes)
    await store.close()
  }))

  it('keeps blocks across close and reopen', async () => withStore(async dir => {
    const block = await makeBlock(4096)
    const first = fsBlockstore(dir)
    await first.open()
    await first.put(block.cid, block.bytes)
    await first.close()
    const second = fsBlockstore(dir)
    await second.open()
    assertBytes(await collect(second.get(block.cid)), block.bytes)
    await second.close()
  }))

  it('getAll skips stray files: foreign names, files in the wrong shard, bad multihashes', async () => withStore(async dir => {
    const store = fsBlockstore(dir, FILES_ONLY)
    await store.open()
    const [kept, misplaced] = await makeBlocks(2)
    await store.put(kept.cid, kept.bytes)
    const keptShard = join(dir, base32upper.baseEncode(kept.cid.multihash.bytes).slice(-3, -1))
    await writeFile(join(dir, 'README'), 'not a block')
    await writeFile(join(keptShard, 'notes.txt'), 'not a block')
    await writeFile(join(keptShard, 'AAAA.data'), 'not a multihash')
    // a real block name in a shard it does not belong to: get would never find it, so getAll must not list it
    const misplacedName = `${base32upper.baseEncode(misplaced.cid.multihash.bytes)}.data`
    if (!expectedPath(dir, misplaced.cid).startsWith(keptShard)) await writeFile(join(keptShard, misplacedName), misplaced.bytes)
    const listed: string[] = []
    for await (const pair of store.getAll()) listed.push(mhKey(pair.cid))
    assert.deepEqual(listed, [mhKey(kept.cid)])
    await store.close()
  }))

  it('tells a block\'s size from its file, without reading it, and undefined for a missing block', async () => withStore(async dir => {
    const [small, large] = await Promise.all([makeBlock(3), makeBlock(300_000)])
    const store = fsBlockstore(dir)
    await assert.rejects(async () => store.size(small.cid), { name: 'StoreNotOpenError' })
    await store.open()
    await store.put(large.cid, large.bytes)
    assert.equal(await store.size(large.cid), 300_000)
    assert.equal(await store.size(small.cid), undefined)
    await store.delete(large.cid)
    assert.equal(await store.size(large.cid), undefined)
    await store.close()
  }))

  it('refuses use before open and after close', async () => withStore(async dir => {
    const block = await makeBlock()
    const store = fsBlockstore(dir)
    await assert.rejects(async () => store.put(block.cid, block.bytes), { name: 'StoreNotOpenError' })
    await store.open()
    await store.put(block.cid, block.bytes)
    await store.close()
    await assert.rejects(async () => collect(store.get(block.cid)), { name: 'StoreNotOpenError' })
    await assert.rejects(async () => store.has(block.cid), { name: 'StoreNotOpenError' })
  }))
})
