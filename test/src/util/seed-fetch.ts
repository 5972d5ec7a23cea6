import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import { makeBlocks, type TestBlock } from './blocks.js'
import { until } from './libp2p-node.js'
import { sameBytes, startSwapwright, type SwapwrightPeer, type SwapwrightPeerInit } from './swapwright-node.js'

/** A file as a fetch sees it: a small root, then its leaves, asked for level by level as `swapwright get` does. */
export interface SeededFile {
  root: TestBlock
  /**
   * Blocks between the root and the leaves (none for a flat file): a level a walk asks before the leaves, as a
   * balanced DAG of more leaves than one node links has. Asking it first lets a session learn its peers before
   * the big level goes out, which is when rules that trust proven peers take effect.
   */
  interior?: TestBlock[]
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
  /** CPU ms (user and system) of this process over the same span. */
  cpu: number
  /** Messages this process sent to the seeds (wants and cancels). */
  messagesSent: number
}

/** The dag-pb codec, whose CIDs interior blocks carry (their bytes are not dag-pb: nothing here decodes them). */
const DAG_PB = 0x70

/** Bytes a balanced DAG node spends per link (CID, name, size, framing), to size interior blocks as real ones. */
const LINK_BYTES = 44

/**
 * `bytes` of content in leaves of `chunk` bytes, under a 200-byte root; with `fanout`, and more leaves than
 * that, an interior level of one block per `fanout` leaves between them (its bytes opaque, sized as links).
 */
export async function seededFile (bytes: number, chunk: number, seed: number, fanout?: number): Promise<SeededFile> {
  const [root] = await makeBlocks(1, 200, seed)
  const leaves = await makeBlocks(Math.ceil(bytes / chunk), chunk, seed + 1)
  if (fanout == null || leaves.length <= fanout) return { root, leaves }
  // dag-pb like a UnixFS DAG's links, so a client that tells levels apart by codec sees two kinds
  const interior = (await makeBlocks(Math.ceil(leaves.length / fanout), fanout * LINK_BYTES, seed + 2))
    .map(({ cid, data }) => ({ cid: CID.createV1(DAG_PB, cid.multihash), data }))
  return { root, interior, leaves }
}

/** `count` Swapwright seeds on real libp2p over 127.0.0.1, each holding the whole file. */
export async function startSeeds (count: number, file: SeededFile): Promise<SwapwrightPeer[]> {
  const seeds: SwapwrightPeer[] = []
  for (let i = 0; i < count; i++) seeds.push(await startSwapwright({ blocks: [file.root, ...file.interior ?? [], ...file.leaves] }))
  return seeds
}

/** Called around the timed part of a fetch (after the seeds are connected, before the fetcher stops). */
export interface FetchTiming {
  started: () => Promise<void>
  ended: () => Promise<void>
}

/**
 * One fetch of the file by a fresh node from `seeds`, through a session given the seeds as providers: the root,
 * then each level's blocks at once. Checks every block's bytes; counts the copies that arrived more than once.
 * The seeds are dialled before the clock starts: a user's connections outlive one fetch, and dialling four
 * processes (noise handshakes, protocol negotiation) is the transport's cost, not the exchange's.
 * `options` go to the fetcher's node (a request splitter to compare, say).
 */
export async function fetchFromSeeds (seeds: SeedAddress[], file: SeededFile, options?: SwapwrightPeerInit['options'], timing?: FetchTiming): Promise<FetchOutcome> {
  const fetcher = await startSwapwright({ options })
  try {
    for (const seed of seeds) await fetcher.libp2p.dial(seed.addrs.map((addr): Multiaddr => multiaddr(addr)))
    await until(() => seeds.every(seed => fetcher.node.components.network.version(seed.key) != null))
    await timing?.started()
    const start = performance.now()
    const cpuStart = process.cpuUsage()
    const session = fetcher.node.createSession({ providers: seeds.map(seed => seed.key) })
    const root = await session.getBlock(file.root.cid)
    if (!sameBytes(root, file.root.data)) throw new Error('the root arrived with other bytes')
    let got = 0
    for (const level of [file.interior ?? [], file.leaves]) {
      const expected = new Map(level.map(block => [block.cid.toString(), block.data]))
      for await (const { cid, bytes } of session.getBlocks(level.map(block => block.cid))) {
        const data = expected.get(cid.toString())
        if (data == null || !sameBytes(bytes, data)) throw new Error(`${cid} arrived with other bytes`)
        got++
      }
    }
    const ms = performance.now() - start
    const cpuUsed = process.cpuUsage(cpuStart)
    await timing?.ended()
    const all = file.leaves.length + (file.interior?.length ?? 0)
    if (got !== all) throw new Error(`${got} of ${all} blocks under the root arrived`)
    session.close()
    const messagesSent = seeds.reduce((sum, seed) => sum + (fetcher.network.stats(seed.key)?.messagesSent ?? 0), 0)
    return { blocks: got + 1, duplicates: fetcher.node.stats().client.duplicateBlocks, ms, cpu: (cpuUsed.user + cpuUsed.system) / 1000, messagesSent }
  } finally {
    await fetcher.stop()
  }
}
