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

/**
 * Where a run's roots live: each root is available with probability `available`; an available one is held
 * only by a far peer (DHT only) with probability `dhtOnly`, else by a connected provider drawn by tier (the
 * top 10 with probability `top10Share`, ranks 10–49 up to `top50Share`, the rest of the providers otherwise).
 * Which connected peers are providers, and in what rank, is shuffled per seed.
 */
export async function placeRoots (scenario: MainnetLikeScenario, seed: number): Promise<PlacedRoot[]> {
  const random = new SeededRandom(hashString(`mainnet-like/${scenario.name}/${seed}`))
  const ranks = Array.from({ length: scenario.connectedPeers }, (_, i) => i)
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1))
    ;[ranks[i], ranks[j]] = [ranks[j], ranks[i]]
  }
  const provider = (lo: number, hi: number): PeerKey => connectedPeer(ranks[lo + Math.floor(random.next() * (hi - lo))])
  const roots: PlacedRoot[] = []
  for (let r = 0; r < scenario.roots; r++) {
    const blocks: LabBlock[] = []
    for (let b = 0; b < scenario.dagBlocks; b++) blocks.push(await block(`${scenario.name}/${seed}/${r}/${b}`, scenario.blockSize))
    let holder: PeerKey | undefined
    if (random.next() < scenario.available) {
      const tier = random.next()
      if (random.next() < scenario.dhtOnly) holder = farPeer(Math.floor(random.next() * scenario.dhtOnlyPeers))
      else if (tier < scenario.top10Share) holder = provider(0, 10)
      else if (tier < scenario.top50Share) holder = provider(10, 50)
      else holder = provider(50, scenario.providers)
    }
    roots.push({ blocks, holder })
  }
  return roots
}
