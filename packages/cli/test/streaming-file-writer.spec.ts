import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { MemoryBlockstore } from '@swapwright/stores'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { StreamingFileWriter } from '../src/streaming-file-writer.js'
import { importFile } from './unixfs-fixture.js'

async function blockOf (store: MemoryBlockstore, cid: CID): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of store.get(cid)) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/**
 * The DAG's blocks as a fetch delivers them: a level at a time (a child is wanted once its parent came), each
 * level in reverse order (or in order: `reverse` false), each distinct block once.
 */
async function levels (store: MemoryBlockstore, root: CID, reverse = true): Promise<Array<{ cid: CID, bytes: Uint8Array }>> {
  const delivered: Array<{ cid: CID, bytes: Uint8Array }> = []
  const seen = new Set([root.toString()])
  let level = [root]
  while (level.length > 0) {
    const next: CID[] = []
    for (const cid of reverse ? [...level].reverse() : level) {
      const bytes = await blockOf(store, cid)
      delivered.push({ cid, bytes })
      if (cid.code !== dagPb.code) continue
      for (const link of dagPb.decode(bytes).Links) {
        if (seen.has(link.Hash.toString())) continue
        seen.add(link.Hash.toString())
        next.push(link.Hash)
      }
    }
    level = next
  }
  return delivered
}

async function fileSize (store: MemoryBlockstore, root: CID): Promise<number> {
  const bytes = await blockOf(store, root)
  if (root.code === raw.code) return bytes.byteLength
  return Number(UnixFS.unmarshal(dagPb.decode(bytes).Data as Uint8Array).fileSize())
}

/** A writer for `target`, which must be one a file may be renamed over. */
async function opened (target: string, root: CID, size: number): Promise<StreamingFileWriter> {
  const writer = await StreamingFileWriter.open(target, root, size)
  assert.ok(writer != null, `${target} could be replaced`)
  return writer
}

describe('writing a file while its blocks arrive', () => {
  let work: string
  before(async () => { work = await mkdtemp(join(tmpdir(), 'swapwright-streaming-')) })
  after(async () => { await rm(work, { recursive: true, force: true }) })

  for (const rawLeaves of [true, false]) {
    it(`places every block as it comes, in any order within a level, and renames the file into place (${rawLeaves ? 'raw' : 'dag-pb'} leaves)`, async () => {
      const bytes = new Uint8Array(200 * 1024 + 77).map((_, i) => (i * 7 + (i >> 10)) & 0xff)
      const store = new MemoryBlockstore()
      const root = await importFile(store, bytes, rawLeaves)
      const dir = await mkdtemp(join(work, 'order-'))
      const target = join(dir, 'out')
      // an older file at the output stays whole until the new one replaces it
      await writeFile(target, 'older')
      const writer = await opened(target, root, await fileSize(store, root))
      for (const { cid, bytes: block } of await levels(store, root)) await writer.add(cid, block)
      assert.equal(await readFile(target, 'utf8'), 'older')
      assert.equal(await writer.finish(store, AbortSignal.timeout(10_000)), bytes.byteLength)
      assert.deepEqual(await readFile(target), Buffer.from(bytes))
      assert.deepEqual(await readdir(dir), ['out'], 'no temporary file is left')
    })
  }

  it('writes neighbouring leaves together, whatever order they arrive in, in a few requests to the disk', async () => {
    // random, so that no two leaves are the same block
    const bytes = new Uint8Array(randomBytes(300 * 1024 + 3))
    const store = new MemoryBlockstore()
    const root = await importFile(store, bytes, true)
    const target = join(await mkdtemp(join(work, 'runs-')), 'out')
    const writer = await opened(target, root, await fileSize(store, root))
    // each level in reverse: no leaf follows the one before it in the file
    const blocks = await levels(store, root)
    for (const { cid, bytes: block } of blocks) await writer.add(cid, block)
    assert.equal(await writer.finish(store, AbortSignal.timeout(10_000)), bytes.byteLength)
    assert.deepEqual(await readFile(target), Buffer.from(bytes))
    // 301 leaves of 1 KiB, gathered and sorted: one run (a write each would be 301)
    assert.ok(blocks.length > 300)
    assert.equal(writer.writes, 1)
  })

  it('writes a block linked at many places at each of them (a file of repeated content)', async () => {
    // every 1 KiB leaf is the same block, fetched once; in a trickle DAG it is linked again at deeper levels after
    // it came, and those places are filled from the repository
    const bytes = new Uint8Array(100 * 1024 + 5)
    const store = new MemoryBlockstore()
    const root = await importFile(store, bytes, true, 'trickle')
    const target = join(await mkdtemp(join(work, 'repeated-')), 'out')
    const writer = await opened(target, root, await fileSize(store, root))
    // in order: the leaf comes before the nodes beside it that link it again
    for (const { cid, bytes: block } of await levels(store, root, false)) await writer.add(cid, block)
    assert.equal(await writer.finish(store, AbortSignal.timeout(10_000)), bytes.byteLength)
    assert.deepEqual(await readFile(target), Buffer.from(bytes))
  })

  it('gives up on a child whose size is not the one its parent declares, leaving nothing behind', async () => {
    const store = new MemoryBlockstore()
    const leaves = [new Uint8Array(10).fill(1), new Uint8Array(12).fill(2)]
    const links = await Promise.all(leaves.map(async leaf => {
      const cid = CID.createV1(raw.code, await sha256.digest(leaf))
      await store.put(cid, leaf)
      return { Hash: cid, Tsize: leaf.byteLength }
    }))
    // the root says both children hold 10 bytes: the second one's bytes would not fit its place
    const unixfs = new UnixFS({ type: 'file', blockSizes: [10n, 10n] })
    const node = dagPb.encode({ Data: unixfs.marshal(), Links: links })
    const root = CID.createV1(dagPb.code, await sha256.digest(node))
    await store.put(root, node)
    const dir = await mkdtemp(join(work, 'lying-'))
    const target = join(dir, 'out')
    const writer = await opened(target, root, 20)
    for (const { cid, bytes: block } of await levels(store, root)) await writer.add(cid, block)
    assert.equal(await writer.finish(store, AbortSignal.timeout(10_000)), undefined)
    assert.match(writer.unplaceable ?? '', /holds 12 bytes where 10 are declared/)
    assert.deepEqual(await readdir(dir), [], 'neither the output nor a temporary file')
  })

  it('never replaces what is not a regular file at the output path (a device, a pipe, a link, a directory)', async () => {
    const store = new MemoryBlockstore()
    const root = await importFile(store, new Uint8Array(3000), true)
    const dir = await mkdtemp(join(work, 'special-'))
    // a pipe stands for a device here: the test must not touch the machine's own /dev
    execFileSync('mkfifo', [join(dir, 'pipe')])
    await symlink('/dev/null', join(dir, 'link'))
    await mkdir(join(dir, 'folder'))
    for (const name of ['pipe', 'link', 'folder']) {
      assert.equal(await StreamingFileWriter.open(join(dir, name), root, 3000), undefined, name)
    }
    assert.equal((await lstat(join(dir, 'pipe'))).isFIFO(), true)
    assert.deepEqual((await readdir(dir)).sort(), ['folder', 'link', 'pipe'], 'no temporary file either')
  })

  it('a get stopped halfway leaves no file at the output path and no temporary file', async () => {
    const bytes = new Uint8Array(50 * 1024).map((_, i) => i & 0xff)
    const store = new MemoryBlockstore()
    const root = await importFile(store, bytes, true)
    const dir = await mkdtemp(join(work, 'stopped-'))
    const target = join(dir, 'out')
    const writer = await opened(target, root, await fileSize(store, root))
    const blocks = await levels(store, root)
    for (const { cid, bytes: block } of blocks.slice(0, blocks.length >> 1)) await writer.add(cid, block)
    await writer.abandon()
    assert.deepEqual(await readdir(dir), [])
  })
})
