/**
 * Kubo interop cases for the less common formats: identity CIDs (`--inline`), the blake2b-256 and sha3-256
 * hashers, symbolic links, and `serve` importing with the unixfs-v1-2025 profile.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { kuboAdd, kuboFetchFromSwapwright, randomFile, interopCaseTests, useKuboPair, writeTree, type InteropCase } from './util/kubo-interop.js'
import { KUBO_SUITE_TIMEOUT, KuboNode, kuboSkipReason } from './util/kubo-node.js'

const MiB = 1024 * 1024

const cases: InteropCase[] = [
  {
    name: '--inline: identity CIDs for small files and leaves',
    make: async dir => {
      await writeTree(dir, { 'tiny.txt': 'inlined\n', 'small.txt': 'x'.repeat(30), sub: { 'also-tiny': 'y' } })
      await randomFile(dir, 300 * 1024 + 20, 'larger.bin')
      return dir
    },
    add: ['--inline', '--cid-version', '1', '--chunker', 'size-65536']
  },
  {
    name: '--inline with CIDv0: dag-pb nodes linking identity CIDs',
    make: async dir => randomFile(dir, 64 * 1024 + 7),
    add: ['--inline', '--chunker', 'size-1024']
  },
  { name: '--hash blake2b-256', make: async dir => randomFile(dir, MiB + 11), add: ['--hash', 'blake2b-256'] },
  { name: '--hash sha3-256', make: async dir => randomFile(dir, MiB + 13), add: ['--hash', 'sha3-256'] },
  {
    name: 'symbolic links (to a file, to a directory, dangling)',
    make: async dir => writeTree(dir, {
      'target.txt': 'the target\n',
      'link-to-file': { symlink: 'target.txt' },
      sub: { 'inner.txt': 'inner\n', 'link-up': { symlink: '../target.txt' } },
      'link-to-dir': { symlink: 'sub' },
      dangling: { symlink: 'no/such/file' }
    }),
    add: []
  }
]

describe('interop with Kubo: inlined blocks, other hash functions, symbolic links, import profiles', { skip: await kuboSkipReason(), timeout: KUBO_SUITE_TIMEOUT }, () => {
  const pair = useKuboPair()
  interopCaseTests(pair, cases)

  it('swapwright serve --profile unixfs-v1-2025 → Kubo, the same CID as Kubo with that profile', async (t) => {
    const work = await mkdtemp(join(tmpdir(), 'swapwright-kubo-profile-'))
    const profiled = await KuboNode.start({ profiles: ['unixfs-v1-2025'] })
    t.after(async () => {
      await profiled.stop()
      await rm(work, { recursive: true, force: true })
    })
    const original = await writeTree(join(work, 'in'), { 'a.txt': 'alpha\n', b: { 'c.txt': 'gamma\n' } })
    await randomFile(original, 3 * MiB + 1, 'large.bin')
    const fetched = await kuboFetchFromSwapwright(pair.sink, { original, work, repo: join(work, 'repo'), paths: [original], serveFlags: ['--profile', 'unixfs-v1-2025'] })
    assert.equal(fetched.root, await kuboAdd(profiled, original, ['--only-hash']))
  })
})
