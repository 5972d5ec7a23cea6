import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryBlockstore } from '@swapwright/stores'
import { EXPORT_READ_AHEAD, unixfsFileBytes } from '../src/write-unixfs-file.js'
import { importFile } from './unixfs-fixture.js'
import type { CID } from 'multiformats/cid'

/** A store that counts the blocks read from it. */
class CountingStore extends MemoryBlockstore {
  reads = 0
  override get (key: CID): ReturnType<MemoryBlockstore['get']> {
    this.reads++
    return super.get(key)
  }
}

describe('writing a UnixFS file out of the repository', () => {
  for (const rawLeaves of [true, false]) {
    it(`yields the file's bytes in order and reads only a few blocks ahead of a slow consumer (${rawLeaves ? 'raw' : 'dag-pb'} leaves)`, async () => {
      const bytes = new Uint8Array(200 * 1024 + 77).map((_, i) => (i * 7 + (i >> 10)) & 0xff)
      const store = new CountingStore()
      const root = await importFile(store, bytes, rawLeaves)
      store.reads = 0
      const out: Uint8Array[] = []
      let mostAhead = 0
      for await (const chunk of unixfsFileBytes(root, store, AbortSignal.timeout(10_000))) {
        out.push(chunk)
        // A slow disk: let every read that was started run before pulling more.
        await new Promise(resolve => setTimeout(resolve, 1))
        mostAhead = Math.max(mostAhead, store.reads - out.length)
      }
      assert.deepEqual(Buffer.concat(out), Buffer.from(bytes))
      // The root and one node a level are read before their bytes come out, plus the window of each level.
      assert.ok(mostAhead <= 3 * (EXPORT_READ_AHEAD + 1), `read ${mostAhead} blocks ahead`)
      assert.ok(mostAhead >= EXPORT_READ_AHEAD, 'reads do run ahead of the consumer')
    })
  }
})
