/**
 * What the benches that compare with Kubo set up alike: a work folder (or the reason Kubo cannot run), and a DAG
 * Kubo adds that a Swapwright repository then holds block for block, so both serve exactly the same blocks.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../util/cli-process.js'
import { randomFile } from '../util/kubo-interop.js'
import { kuboSkipReason, type KuboNode } from '../util/kubo-node.js'

/**
 * A fresh work folder named after the bench, or undefined when Kubo is not installed: the reason is printed and
 * the process will exit with 1.
 */
export async function kuboBenchFolder (bench: string): Promise<string | undefined> {
  const skip = await kuboSkipReason()
  if (skip != null) {
    console.error(skip)
    process.exitCode = 1
    return undefined
  }
  return mkdtemp(join(tmpdir(), `swapwright-bench-${bench}-`))
}

export interface KuboDag {
  root: string
  blocks: number
  /** The file's sha256 (hex), when asked for. */
  digest?: string
}

export interface KuboDagInit {
  /** The file's name in `work` while it is added (it is removed after). */
  name: string
  size: number
  /** Leaf size in bytes: Kubo adds with `--chunker size-<chunk>`, raw leaves and CIDv1. */
  chunk: number
  /** The Swapwright repository that receives every block, through `swapwright get` from the first Kubo node. */
  repo: string
  digest?: boolean
}

/** A file of random bytes added by every one of `kubo` (they must agree on the root), then copied into `repo`. */
export async function kuboDagInRepo (kubo: KuboNode[], work: string, { name, size, chunk, repo, digest = false }: KuboDagInit): Promise<KuboDag> {
  const file = await randomFile(work, size, name)
  const sha256 = digest ? await sha256File(file) : undefined
  const add = ['add', '-Q', '--pin=false', '--cid-version', '1', '--raw-leaves', '--chunker', `size-${chunk}`, file]
  const roots = await Promise.all(kubo.map(async node => (await node.ipfs(add)).stdout.toString().trim()))
  if (new Set(roots).size !== 1) throw new Error(`the Kubo nodes disagree on the root: ${roots.join(', ')}`)
  const root = roots[0]
  const check = join(work, `${name}.check`)
  const fetched = await runCli(['get', root, '--peer', kubo[0].address, '-o', check, '--repo', repo, '--json'], work)
  if (fetched.code !== 0) throw new Error(`copying ${name} into the Swapwright repository failed: ${fetched.stderr}`)
  await rm(check)
  await rm(file)
  return { root, blocks: fetched.events.find(e => e.event === 'done')?.blocks as number, ...(sha256 == null ? {} : { digest: sha256 }) }
}

export async function sha256File (path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
