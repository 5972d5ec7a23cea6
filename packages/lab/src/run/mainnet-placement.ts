import { SeededRandom, type PeerKey } from '@swapwright/core'
import { hashString } from '@swapwright/transports'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import type { LabBlock } from '../scenarios/blocks.js'
import type { MainnetLikeScenario } from '../scenarios/mainnet-like.js'

/** One requested root (or DAG): its blocks, root first, and who holds them (nobody for an unavailable one). */
export interface PlacedRoot {
  blocks: LabBlock[]
  holder: PeerKey | undefined
}

export const FETCHER = 'fetcher'
export const connectedPeer = (i: number): PeerKey => `peer-${i}`
export const farPeer = (i: number): PeerKey => `far-${i}`

async function block (label: string, size: number): Promise<LabBlock> {
  const bytes = new Uint8Array(size)
  const text = new TextEncoder().encode(label)
  for (let i = 0; i < size; i++) bytes[i] = i < text.length ? text[i] : (i * 31) & 0xff
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

/** A run's roots: the warm-up ones (not measured), then the measured ones, over one ranking of the providers. */
export interface Placement {
  warmup: PlacedRoot[]
  measured: PlacedRoot[]
}

/**
 * Where a run's roots live: each root is available with probability `available`; an available one is held
 * only by a far peer (DHT only) with probability `dhtOnly`, else by a connected provider drawn by tier (the
 * top 10 with probability `top10Share`, ranks 10–49 up to `top50Share`, the rest of the providers otherwise).
 * Which connected peers are providers, and in what rank, is shuffled per seed; warm-up and measured roots are
 * drawn from the same ranking, so what a node learns in the warm-up holds in the measured part.
 */
export async function placeRoots (scenario: MainnetLikeScenario, seed: number): Promise<Placement> {
  const random = new SeededRandom(hashString(`mainnet-like/${scenario.name}/${seed}`))
  const ranks = Array.from({ length: scenario.connectedPeers }, (_, i) => i)
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1))
    ;[ranks[i], ranks[j]] = [ranks[j], ranks[i]]
  }
  const provider = (lo: number, hi: number): PeerKey => connectedPeer(ranks[lo + Math.floor(random.next() * (hi - lo))])
  const holder = (): PeerKey | undefined => {
    if (random.next() >= scenario.available) return undefined
    const tier = random.next()
    if (random.next() < scenario.dhtOnly) return farPeer(Math.floor(random.next() * scenario.dhtOnlyPeers))
    if (tier < scenario.top10Share) return provider(0, 10)
    if (tier < scenario.top50Share) return provider(10, 50)
    return provider(50, scenario.providers)
  }
  const place = async (label: string, count: number, size: number): Promise<PlacedRoot[]> => {
    const roots: PlacedRoot[] = []
    for (let r = 0; r < count; r++) {
      const blocks: LabBlock[] = []
      for (let b = 0; b < size; b++) blocks.push(await block(`${scenario.name}/${seed}/${label}/${r}/${b}`, scenario.blockSize))
      roots.push({ blocks, holder: holder() })
    }
    return roots
  }
  const warmup = await place('warmup', scenario.warmupRoots, 1)
  return { warmup, measured: await place('measured', scenario.roots, scenario.dagBlocks) }
}
