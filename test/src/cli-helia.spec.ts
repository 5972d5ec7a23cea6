import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { importBytes, type ImporterOptions } from 'ipfs-unixfs-importer'
import { blake2b256, sha3_256 } from '@swapwright/core'
import { sha256 } from 'multiformats/hashes/sha2'
import { handDag, type HandDagOptions } from './util/hand-dag.js'
import { runCli as swapwright } from './util/cli-process.js'
import { createHeliaNode, type HeliaNode } from './util/helia-node.js'
import { addressesOf } from './util/libp2p-node.js'
import type { CID } from 'multiformats/cid'

/** Seconds without a block before the command gives up: a broken exchange fails the test instead of hanging it. */
const IDLE_TIMEOUT = '20'

/**
 * Helia answers a WANT_HAVE for a block of at most this many bytes with the block itself, so the session's
 * broadcast WANT_HAVE and its WANT_BLOCK to the same peer can each bring such a block: a correct duplicate.
 */
const HELIA_REPLACE_HAVE_WITH_BLOCK = 1024

/** A few MiB and an odd tail, so the last leaf is short. */
const FILE_SIZE = 3 * 1024 * 1024 + 12_345

interface Layout {
  name: string
  options: ImporterOptions
  /** What every non-root block of the layout must be: raw leaves, or dag-pb throughout. */
  version: 0 | 1
}

const layouts: Layout[] = [
  { name: 'CIDv1 with raw leaves (256 KiB chunks, one level of links)', options: {}, version: 1 },
  // 16 KiB chunks make more leaves than one CIDv0 node links (174): a root, inner nodes, then leaves.
  { name: 'CIDv0 with dag-pb leaves (16 KiB chunks, two levels of links)', options: { profile: 'unixfs-v0-2015', chunker: fixedSize({ chunkSize: 16 * 1024 }) }, version: 0 }
]

/** Imports `bytes` into Helia's blockstore as a UnixFS file; returns the root and the blocks written, with sizes. */
async function importIntoHelia (helia: HeliaNode, bytes: Uint8Array, options: ImporterOptions): Promise<{ root: CID, blocks: Array<{ cid: CID, size: number }> }> {
  const written = new Map<string, { cid: CID, size: number }>()
  const { cid: root } = await importBytes(bytes, {
    put: async (cid: CID, block: Uint8Array) => {
      written.set(cid.toString(), { cid, size: block.byteLength })
      await helia.blockstore.put(cid, block)
      return cid
    }
  }, options)
  return { root, blocks: [...written.values()] }
}

describe('swapwright get from a Helia node serving a UnixFS file', () => {
  let helia: HeliaNode
  let work: string
  let address: string
  const file = randomBytes(FILE_SIZE)

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'swapwright-cli-helia-'))
    helia = await createHeliaNode()
    address = addressesOf(helia.libp2p).find(a => a.startsWith('/ip4/127.0.0.1/tcp/')) ?? ''
    assert.match(address, /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\w+$/)
  })

  after(async () => {
    await helia?.stop()
    await rm(work, { recursive: true, force: true })
  })

  for (const [i, layout] of layouts.entries()) {
    it(layout.name, async () => {
      const { root, blocks } = await importIntoHelia(helia, file, layout.options)
      assert.equal(root.version, layout.version)
      assert.ok(blocks.length > 10, `a multi-block file: ${blocks.length} blocks`)
      if (layout.version === 1) assert.ok(blocks.some(({ cid }) => cid.code === 0x55), 'raw leaves')
      else assert.ok(blocks.every(({ cid }) => cid.version === 0), 'CIDv0 throughout')
      const small = blocks.filter(({ size }) => size <= HELIA_REPLACE_HAVE_WITH_BLOCK).length

      const out = `out-${i}`
      const result = await swapwright(['get', root.toString(), '--peer', address, '-o', out, '--repo', `repo-${i}`,
        '--idle-timeout', IDLE_TIMEOUT, '--json'], work)
      assert.equal(result.code, 0, result.stderr + result.stdout)
      assert.deepEqual(await readFile(join(work, out)), file, 'the file arrived byte-exact')

      const done = result.events.find(e => e.event === 'done')
      assert.ok(done != null, result.stdout)
      assert.equal(done.cid, root.toString())
      assert.ok(done.out.endsWith(`/${out}`), done.out)
      assert.equal(done.blocks, blocks.length, 'every block of the DAG, each once')
      assert.equal(done.received, blocks.length, 'an empty repository: every block came over the network')
      assert.ok(done.duplicates <= small, `${done.duplicates} duplicates: only the ${small} block(s) of at most 1 KiB may come twice`)
      // Block bytes: the file's bytes plus the UnixFS nodes around and above them.
      assert.ok(done.bytes > FILE_SIZE && done.bytes < FILE_SIZE + 64 * 1024, `summary bytes ${done.bytes}`)
      assert.ok(done.seconds > 0 && done.megabytesPerSecond > 0, JSON.stringify(done))
      assert.ok(result.events.some(e => e.event === 'progress'), 'progress events on the way')
    })
  }
})

describe('swapwright get from Helia: inlined blocks and other hash functions', () => {
  let helia: HeliaNode
  let work: string
  let address: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'swapwright-cli-helia-hashes-'))
    helia = await createHeliaNode()
    address = addressesOf(helia.libp2p).find(a => a.startsWith('/ip4/127.0.0.1/tcp/')) ?? ''
  })

  after(async () => {
    await helia?.stop()
    await rm(work, { recursive: true, force: true })
  })

  const put = async (cid: CID, bytes: Uint8Array): Promise<void> => { await helia.blockstore.put(cid, bytes) }
  const cases: Array<{ name: string, parts: number[], options: HandDagOptions }> = [
    // Small leaves and the small dag-pb nodes above them live in identity CIDs, as `ipfs add --inline` makes them.
    { name: 'a DAG with inlined leaves and inlined dag-pb nodes', parts: [20, 100_000, 16, 70_000, 10, 12], options: { hasher: sha256, inlineLimit: 128 } },
    { name: 'blake2b-256 content', parts: [60_000, 60_000, 60_000, 5_000], options: { hasher: blake2b256 } },
    { name: 'sha3-256 content', parts: [60_000, 60_000, 60_000, 5_000], options: { hasher: sha3_256 } }
  ]

  for (const [i, { name, parts, options }] of cases.entries()) {
    it(`${name}, byte-exact`, async () => {
      const chunks = parts.map(size => randomBytes(size))
      const root = await handDag(put, chunks, options)
      const out = `hashes-out-${i}`
      const result = await swapwright(['get', root.toString(), '--peer', address, '-o', out, '--repo', `hashes-repo-${i}`,
        '--idle-timeout', IDLE_TIMEOUT, '--json'], work)
      assert.equal(result.code, 0, result.stderr + result.stdout)
      assert.deepEqual(await readFile(join(work, out)), Buffer.concat(chunks), 'the file arrived byte-exact')
    })
  }
})
