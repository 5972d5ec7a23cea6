import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  isHamt, kuboAdd, kuboFetchFromSwapwright, randomFile, interopCaseTests, useKuboPair, writeTree, type InteropCase
} from './util/kubo-interop.js'
import { KUBO_SUITE_TIMEOUT, kuboSkipReason } from './util/kubo-node.js'

const KiB = 1024
const MiB = 1024 * KiB
/** The large file of the suite: 1 GiB, as the interop plan asks (files are compared by digest, never held in memory). */
const LARGE = 1024 * MiB
/**
 * Entries in the HAMT case. With their long names their links come to over Kubo's 256 KiB threshold for sharding
 * a directory (Kubo counts each link's name and CID bytes), with as few entries as that allows.
 */
const HAMT_ENTRIES = 2200
const HAMT_NAME_PADDING = 'n'.repeat(90)

const cases: InteropCase[] = [
  { name: "Kubo's default layout (CIDv0, 256 KiB chunks, dag-pb leaves)", make: async dir => randomFile(dir, 3 * MiB + 12_345), add: [] },
  { name: 'CIDv1 with raw leaves', make: async dir => randomFile(dir, 3 * MiB + 12_345), add: ['--cid-version', '1', '--raw-leaves'] },
  { name: '1 KiB chunks (two levels of links)', make: async dir => randomFile(dir, MiB + 100), add: ['--chunker', 'size-1024'] },
  { name: 'a trickle DAG (16 KiB chunks)', make: async dir => randomFile(dir, 3 * MiB + 7), add: ['--trickle', '--chunker', 'size-16384'] },
  {
    name: 'the unixfs-v1-2025 import profile (CIDv1, raw leaves, 1 MiB chunks)',
    make: async dir => {
      await writeTree(dir, { 'notes.txt': 'a small file beside a large one\n', nested: { 'deeper.txt': 'x'.repeat(5000) } })
      await randomFile(dir, 2 * MiB + 5, 'large.bin')
      return dir
    },
    add: [],
    profiles: ['unixfs-v1-2025']
  },
  {
    name: `a directory of ${HAMT_ENTRIES} entries (a HAMT)`,
    make: async dir => writeTree(dir, Object.fromEntries(Array.from({ length: HAMT_ENTRIES }, (_, i) =>
      [`entry-${String(i).padStart(5, '0')}-${HAMT_NAME_PADDING}.txt`, `entry ${i}\n`]))),
    add: ['--cid-version', '1'],
    kuboRefsFirst: true,
    check: async (root, kubo) => { assert.ok(await isHamt(kubo, root), 'Kubo sharded the directory') }
  },
  {
    name: 'empty files, alone and in directories',
    make: async dir => writeTree(dir, { 'empty.txt': '', 'one.txt': '1', sub: { 'also-empty': '', deeper: { 'empty-too': '' } } }),
    add: []
  },
  { name: 'an empty file on its own', make: async dir => randomFile(dir, 0), add: [] },
  { name: `a large file (${LARGE / MiB} MiB)`, make: async dir => randomFile(dir, LARGE), add: ['--cid-version', '1'] }
]

describe('interop with Kubo through the swapwright command', { skip: await kuboSkipReason(), timeout: KUBO_SUITE_TIMEOUT }, () => {
  const pair = useKuboPair()
  interopCaseTests(pair, cases)

  const layouts = [
    { name: 'the default layout (CIDv1, raw leaves, 1 MiB chunks)', serve: [], kubo: ['--cid-version', '1', '--raw-leaves', '--chunker', `size-${MiB}`] },
    { name: "--kubo (Kubo's default layout)", serve: ['--kubo'], kubo: [] }
  ]
  for (const layout of layouts) {
    it(`swapwright serve ${layout.serve.join(' ')} → Kubo, the same CID as ipfs add: ${layout.name}`, async (t) => {
      const work = await mkdtemp(join(tmpdir(), 'swapwright-kubo-serve-'))
      t.after(async () => { await rm(work, { recursive: true, force: true }) })
      for (const [what, make] of [
        ['a file', async () => randomFile(join(work, 'in-file'), 5 * MiB + 3)],
        ['a directory', async () => writeTree(join(work, 'in-dir'), { 'a.txt': 'alpha\n', b: { 'c.txt': 'gamma\n', 'empty.txt': '' } })]
      ] as const) {
        const original = await make()
        const fetched = await kuboFetchFromSwapwright(pair.sink, { original, work, repo: join(work, `repo-${what}`), paths: [original], serveFlags: layout.serve })
        assert.equal(fetched.root, await kuboAdd(pair.source, original, ['--only-hash', ...layout.kubo]), `${what}: Kubo computes the same root`)
        t.diagnostic(`${what} ${fetched.root}: Kubo's duplicates ${fetched.duplicates}`)
      }
    })
  }
})
