/**
 * Interop cases with Kubo, both ways, through the swapwright command:
 *   1. Kubo adds the content (with the case's `ipfs add` flags);
 *   2. `swapwright get` fetches it from Kubo into a fresh repository and writes it out: it must be byte-exact;
 *   3. `swapwright serve` serves that repository and a second, empty Kubo fetches the root with
 *      `ipfs block get` and then the whole DAG with `ipfs cat` (a file) or `ipfs get` (a directory): byte-exact.
 * So each of Kubo's layouts travels Kubo → Swapwright → Kubo, and the blocks Swapwright serves are the ones it
 * fetched and verified. After each fetch the duplicates both sides counted are reported as test diagnostics.
 */
import assert from 'node:assert/strict'
import { createHash, randomFillSync } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { lstat, mkdir, mkdtemp, open, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, it, type TestContext } from 'node:test'
import { runCli, startServe } from './cli-process.js'
import { KuboNode } from './kubo-node.js'
import { inBatches } from './batches.js'

/** Seconds without a block before the command gives up: a broken exchange fails the test instead of hanging it. */
export const IDLE_TIMEOUT = '20'
/** Kubo's own limit on one fetch command (its global --timeout option). */
export const KUBO_TIMEOUT = '60s'

export interface InteropCase {
  name: string
  /** Writes the content into `dir` and returns the path to add (a file or a directory). */
  make: (dir: string) => Promise<string>
  /** `ipfs add` flags besides -Q (and -r for a directory). */
  add: string[]
  /** Configuration profiles of the adding Kubo node, when the case needs its own (an import profile). */
  profiles?: string[]
  /**
   * Kubo fetches the directory with `ipfs refs -r` (every block, many wants at once) before `ipfs get`: its
   * `ipfs get` asks for a directory's entries one at a time, about 20 ms each here whoever serves (Kubo to Kubo
   * alike), so thousands of entries would take minutes.
   */
  kuboRefsFirst?: boolean
  /** Checks on the added root, e.g. that Kubo made a HAMT, with the fetched repository's blocks at hand. */
  check?: (root: string, kubo: KuboNode) => Promise<void>
}

/** A file is known by its size and sha2-256 digest: a 1 GiB file is compared without holding it in memory. */
export type TreeEntry = { kind: 'file', size: number, sha256: string } | { kind: 'dir' } | { kind: 'symlink', target: string }

/** A file or directory tree as relative path → entry (a lone file is the entry ''). */
export type Tree = Map<string, TreeEntry>

/** Files written or hashed at once: enough to keep the disk and a core busy, few enough for any limit on open files. */
const FILES_AT_ONCE = 16

/** Digests of the files `randomFile` wrote, taken as it wrote them, for `expectedTree` (never for a fetched copy). */
const writtenDigests = new Map<string, { size: number, sha256: string }>()
/** Trees of the originals, read once each: an original is compared with each of its fetched copies. */
const expectedTrees = new Map<string, Promise<Tree>>()

/** A file or directory tree as it is on disk now; directories are listed one level at a time, files hashed in parallel. */
export async function readTree (path: string, digests: ReadonlyMap<string, { size: number, sha256: string }> = new Map()): Promise<Tree> {
  const tree: Tree = new Map()
  const files: Array<[string, string]> = []
  const visit = async (absolute: string, relative: string): Promise<void> => {
    const info = await lstat(absolute)
    if (info.isSymbolicLink()) tree.set(relative, { kind: 'symlink', target: await readlink(absolute) })
    else if (info.isFile()) files.push([absolute, relative])
    else if (info.isDirectory()) {
      tree.set(relative, { kind: 'dir' })
      await Promise.all((await readdir(absolute)).map(async name => visit(join(absolute, name), relative === '' ? name : `${relative}/${name}`)))
    }
  }
  await visit(path, '')
  await inBatches(files, FILES_AT_ONCE, async ([absolute, relative]) => {
    tree.set(relative, { kind: 'file', ...digests.get(absolute) ?? await fileDigest(absolute) })
  })
  return tree
}

/** The tree of an original the test wrote (it does not change while the test runs), read once. */
export async function expectedTree (path: string): Promise<Tree> {
  let tree = expectedTrees.get(path)
  if (tree == null) expectedTrees.set(path, tree = readTree(path, writtenDigests))
  return tree
}

async function fileDigest (path: string): Promise<{ size: number, sha256: string }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer)
    size += (chunk as Buffer).byteLength
  }
  return { size, sha256: hash.digest('hex') }
}

/** Asserts that `got` has the same entries as `want`, files byte-exact (by size and digest). */
export function assertTreesEqual (got: Tree, want: Tree, who: string): void {
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${who}: the same entries`)
  for (const [path, entry] of want) {
    const other = got.get(path)
    assert.equal(other?.kind, entry.kind, `${who}: ${path} is a ${entry.kind}`)
    if (entry.kind === 'file') assert.ok(other?.kind === 'file' && other.size === entry.size && other.sha256 === entry.sha256, `${who}: ${path} is byte-exact`)
    if (entry.kind === 'symlink') assert.equal(other?.kind === 'symlink' ? other.target : undefined, entry.target, `${who}: ${path} points at the same target`)
  }
}

/** Asserts that the tree at `actual` equals the original at `expected` (see `expectedTree`). */
export async function assertSameTree (actual: string, expected: string, who: string): Promise<void> {
  const [got, want] = await Promise.all([readTree(actual), expectedTree(expected)])
  assertTreesEqual(got, want, who)
}

export interface KuboPair {
  /** Adds content and serves it to `swapwright get`. */
  source: KuboNode
  /** Starts empty and fetches from `swapwright serve`. */
  sink: KuboNode
}

/** `ipfs add` of a file or directory; returns the root CID. */
export async function kuboAdd (kubo: KuboNode, path: string, flags: string[]): Promise<string> {
  const recursive = (await lstat(path)).isDirectory() ? ['-r'] : []
  return (await kubo.ipfs(['add', '-Q', ...recursive, ...flags, path])).stdout.toString().trim()
}

/** `swapwright get` from the peer(s) `from` into `repo`; asserts the output is byte-exact and returns the summary. */
export async function swapwrightGet (root: string, from: string | readonly string[], original: string, work: string, repo: string): Promise<Record<string, any>> {
  const out = join(await mkdtemp(join(work, 'swapwright-out-')), 'out')
  const peers = [from].flat().flatMap(address => ['--peer', address])
  const result = await runCli(['get', root, ...peers, '-o', out, '--repo', repo, '--idle-timeout', IDLE_TIMEOUT, '--json'], work)
  assert.equal(result.code, 0, result.stderr + result.stdout)
  await assertSameTree(out, original, 'swapwright get')
  const done = result.events.find(e => e.event === 'done')
  assert.ok(done != null, result.stdout)
  assert.equal(done.cid, root)
  return done
}

/**
 * `swapwright serve` of `repo` (plus `paths`, added first with `serveFlags`), then `kubo` fetches `root` from it:
 * `ipfs block get` of the root, compared with `reference`'s copy, then the whole DAG with `ipfs cat` or `ipfs get`.
 */
export interface KuboFetch {
  /** The root to fetch; undefined: the root `serve` prints for `paths`. */
  root?: string
  /** What the fetched content must equal. */
  original: string
  work: string
  repo: string
  /** Paths `serve` adds before serving, with `serveFlags`. */
  paths?: string[]
  serveFlags?: string[]
  /** Fetch the whole DAG with `ipfs refs -r` before `ipfs get` (see InteropCase.kuboRefsFirst). */
  refsFirst?: boolean
}

export async function kuboFetchFromSwapwright (kubo: KuboNode, { root, original, work, repo, paths = [], serveFlags = [], refsFirst = false }: KuboFetch): Promise<{ root: string, duplicates: number }> {
  const { server, address } = await startServe([...paths, ...serveFlags, '--repo', repo], work)
  try {
    const served = paths.length > 0 ? (await server.next('serving')).cid as string : root
    assert.ok(served != null)
    const before = await kubo.bitswapStats()
    await kubo.rpc('swarm/connect', { arg: address })
    const block = await kubo.ipfs(['block', 'get', `--timeout=${KUBO_TIMEOUT}`, served])
    assert.ok(block.stdout.byteLength > 0, 'ipfs block get fetched the root')
    if ((await lstat(original)).isDirectory()) {
      const out = join(await mkdtemp(join(work, 'kubo-out-')), 'out')
      if (refsFirst) await kubo.ipfs(['refs', '-r', `--timeout=${KUBO_TIMEOUT}`, served])
      await kubo.ipfs(['get', `--timeout=${KUBO_TIMEOUT}`, '-o', out, served])
      await assertSameTree(out, original, 'Kubo fetching from swapwright serve')
    } else {
      // Hashed as it arrives: a 1 GiB file is neither held in memory nor written out and read back.
      const hash = createHash('sha256')
      let size = 0
      await kubo.ipfs(['cat', `--timeout=${KUBO_TIMEOUT}`, served], {
        onStdout: chunk => {
          hash.update(chunk)
          size += chunk.byteLength
        }
      })
      assertTreesEqual(new Map([['', { kind: 'file', size, sha256: hash.digest('hex') }]]), await expectedTree(original), 'Kubo fetching from swapwright serve')
    }
    const after = await kubo.bitswapStats()
    return { root: served, duplicates: after.DupBlksReceived - before.DupBlksReceived }
  } finally {
    await server.stop()
  }
}

/** Runs one case both ways; the fixture's nodes are `pair`, or a node of the case's own profile as the source. */
export async function runInteropCase (t: TestContext, pair: KuboPair, c: InteropCase, startSource: (profiles: string[]) => Promise<KuboNode>): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'swapwright-kubo-interop-'))
  t.after(async () => { await rm(work, { recursive: true, force: true }) })
  let source = pair.source
  if (c.profiles != null) {
    source = await startSource(c.profiles)
    t.after(async () => { await source.stop() })
  }
  const original = await c.make(join(work, 'in'))
  const root = await kuboAdd(source, original, c.add)
  await c.check?.(root, source)
  const repo = join(work, 'repo')
  const done = await swapwrightGet(root, source.address, original, work, repo)
  const fetched = await kuboFetchFromSwapwright(pair.sink, { root, original, work, repo, refsFirst: c.kuboRefsFirst })
  t.diagnostic(`${root}: ${done.blocks} blocks; duplicates: swapwright get ${done.duplicates}, Kubo ${fetched.duplicates}`)
}

/** A file of `size` random bytes at `dir/name`; returns its path. */
export async function randomFile (dir: string, size: number, name = 'file.bin'): Promise<string> {
  await mkdir(dir, { recursive: true })
  const path = join(dir, name)
  const handle = await open(path, 'w')
  const hash = createHash('sha256')
  try {
    const chunk = Buffer.allocUnsafe(Math.min(size, 1024 * 1024))
    for (let written = 0; written < size; written += chunk.byteLength) {
      const part = randomFillSync(chunk).subarray(0, Math.min(chunk.byteLength, size - written))
      hash.update(part)
      await handle.write(part)
    }
  } finally {
    await handle.close()
  }
  // Hashed as written: a 1 GiB original is not read back to learn its digest.
  writtenDigests.set(path, { size, sha256: hash.digest('hex') })
  return path
}

/** A directory tree from a description: a string is a file's content, a nested object a directory. */
export interface TreeSpec { [name: string]: string | Uint8Array | TreeSpec | { symlink: string } }

export async function writeTree (dir: string, spec: TreeSpec): Promise<string> {
  await mkdir(dir, { recursive: true })
  // In parallel, a few at a time: a directory of thousands of entries is written in a fraction of the time.
  await inBatches(Object.entries(spec), FILES_AT_ONCE, async ([name, value]) => {
    const path = join(dir, name)
    if (typeof value === 'string' || value instanceof Uint8Array) await writeFile(path, value)
    else if ('symlink' in value && typeof value.symlink === 'string') await symlink(value.symlink, path)
    else await writeTree(path, value as TreeSpec)
  })
  return dir
}

/** Whether the root of `root` is a HAMT-sharded directory (UnixFS type 5), asked of `kubo`. */
export async function isHamt (kubo: KuboNode, root: string): Promise<boolean> {
  const node = await kubo.rpc('dag/get', { arg: root }) as { Data?: { '/': { bytes: string } } }
  const data = Buffer.from(node.Data?.['/'].bytes ?? '', 'base64')
  // UnixFS Data: field 1 (Type) as a varint, 0x08 then the type; 5 is HAMTShard.
  return data[0] === 0x08 && data[1] === 0x05
}

/** Starts a source and a sink Kubo before the suite's tests and stops them after; call inside `describe`. */
export function useKuboPair (): KuboPair {
  const pair = {} as KuboPair
  before(async () => {
    [pair.source, pair.sink] = await Promise.all([KuboNode.start(), KuboNode.start()])
  })
  after(async () => {
    await Promise.all([pair.source?.stop(), pair.sink?.stop()])
  })
  return pair
}

/** One test per case, each run both ways. */
export function interopCaseTests (pair: KuboPair, cases: InteropCase[]): void {
  for (const c of cases) {
    it(`Kubo → swapwright get → swapwright serve → Kubo: ${c.name}`, async (t) => {
      await runInteropCase(t, pair, c, async profiles => KuboNode.start({ profiles }))
    })
  }
}
