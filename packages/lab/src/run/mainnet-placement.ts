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
  /** Every peer holding the whole root (or DAG); empty when it exists nowhere. */
  holders: PeerKey[]
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
 * only by a far peer (DHT only) with probability `dhtOnly`, else by connected providers of one tier drawn by
 * `top10Share` and `top50Share` (the top 10, ranks 10–49, the rest of the providers): `top10Holders`,
 * `top50Holders` or `restHolders` of that tier's providers, distinct, drawn evenly within it. Which connected
 * peers are providers, and in what rank, is shuffled per seed; warm-up and measured roots are drawn from the
 * same ranking, so what a node learns in the warm-up holds in the measured part.
 */
export async function placeRoots (scenario: MainnetLikeScenario, seed: number): Promise<Placement> {
  for (const key of ['top10Holders', 'top50Holders', 'restHolders'] as const) {
    const n = scenario[key]
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${scenario.name}: ${key} must be an integer >= 1, got ${n}`)
  }
  const random = new SeededRandom(hashString(`mainnet-like/${scenario.name}/${seed}`))
  const ranks = Array.from({ length: scenario.connectedPeers }, (_, i) => i)
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1))
    ;[ranks[i], ranks[j]] = [ranks[j], ranks[i]]
  }
  /** `count` distinct providers of ranks lo..hi-1 (a partial shuffle of the tier). */
  const providers = (lo: number, hi: number, count: number): PeerKey[] => {
    const tier = ranks.slice(lo, hi)
    const n = Math.min(count, tier.length)
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(random.next() * (tier.length - i))
      ;[tier[i], tier[j]] = [tier[j], tier[i]]
    }
    return tier.slice(0, n).map(connectedPeer)
  }
  const holders = (): PeerKey[] => {
    if (random.next() >= scenario.available) return []
    const tier = random.next()
    if (random.next() < scenario.dhtOnly) return [farPeer(Math.floor(random.next() * scenario.dhtOnlyPeers))]
    if (tier < scenario.top10Share) return providers(0, 10, scenario.top10Holders)
    if (tier < scenario.top50Share) return providers(10, 50, scenario.top50Holders)
    return providers(50, scenario.providers, scenario.restHolders)
  }
  const place = async (label: string, count: number, size: number): Promise<PlacedRoot[]> => {
    const roots: PlacedRoot[] = []
    for (let r = 0; r < count; r++) {
      const blocks: LabBlock[] = []
      for (let b = 0; b < size; b++) blocks.push(await block(`${scenario.name}/${seed}/${label}/${r}/${b}`, scenario.blockSize))
      roots.push({ blocks, holders: holders() })
    }
    return roots
  }
  const warmup = await place('warmup', scenario.warmupRoots, 1)
  return { warmup, measured: await place('measured', scenario.roots, scenario.dagBlocks) }
}
