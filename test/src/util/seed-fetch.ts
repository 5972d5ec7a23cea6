import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { makeBlocks, type TestBlock } from './blocks.js'
import { until } from './libp2p-node.js'
import { sameBytes, startSwapwright, type SwapwrightPeer } from './swapwright-node.js'

/** A file as a fetch sees it: a small root, then its leaves, asked for level by level as `swapwright get` does. */
export interface SeededFile {
  root: TestBlock
  leaves: TestBlock[]
}

/** Where a seed listens: enough to reach one in this process or in another. */
export interface SeedAddress {
  key: string
  addrs: string[]
}

export function seedAddress (seed: SwapwrightPeer): SeedAddress {
  return { key: seed.key, addrs: seed.libp2p.getMultiaddrs().map(String) }
}

export interface FetchOutcome {
  /** Blocks fetched (root and leaves). */
  blocks: number
  /** Blocks that arrived a second time or more. */
  duplicates: number
  /** Wall-clock ms from the first want to the last block in hand. */
  ms: number
}

/** `bytes` of content in leaves of `chunk` bytes, under a 200-byte root. */
export async function seededFile (bytes: number, chunk: number, seed: number): Promise<SeededFile> {
  const [root] = await makeBlocks(1, 200, seed)
  const leaves = await makeBlocks(Math.ceil(bytes / chunk), chunk, seed + 1)
  return { root, leaves }
}

/** `count` Swapwright seeds on real libp2p over 127.0.0.1, each holding the whole file. */
export async function startSeeds (count: number, file: SeededFile): Promise<SwapwrightPeer[]> {
  const seeds: SwapwrightPeer[] = []
  for (let i = 0; i < count; i++) seeds.push(await startSwapwright({ blocks: [file.root, ...file.leaves] }))
  return seeds
}

/**
 * One fetch of the file by a fresh node from `seeds`, through a session given the seeds as providers: the root,
 * then every leaf at once. Checks every block's bytes; counts the copies that arrived more than once.
 */
export async function fetchFromSeeds (seeds: SeedAddress[], file: SeededFile): Promise<FetchOutcome> {
  const fetcher = await startSwapwright()
  try {
    for (const seed of seeds) await fetcher.libp2p.dial(seed.addrs.map((addr): Multiaddr => multiaddr(addr)))
    await until(() => seeds.every(seed => fetcher.node.components.network.version(seed.key) != null))
    const start = performance.now()
    const session = fetcher.node.createSession({ providers: seeds.map(seed => seed.key) })
    const root = await session.getBlock(file.root.cid)
    if (!sameBytes(root, file.root.data)) throw new Error('the root arrived with other bytes')
    const expected = new Map(file.leaves.map(leaf => [leaf.cid.toString(), leaf.data]))
    let got = 0
    for await (const { cid, bytes } of session.getBlocks(file.leaves.map(leaf => leaf.cid))) {
      const data = expected.get(cid.toString())
      if (data == null || !sameBytes(bytes, data)) throw new Error(`${cid} arrived with other bytes`)
      got++
    }
    const ms = performance.now() - start
    if (got !== file.leaves.length) throw new Error(`${got} of ${file.leaves.length} leaves arrived`)
    session.close()
    return { blocks: got + 1, duplicates: fetcher.node.stats().client.duplicateBlocks, ms }
  } finally {
    await fetcher.stop()
  }
}
