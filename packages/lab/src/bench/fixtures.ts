import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import {
  blockstorePlugin, createBitswap, randomPlugin, VirtualClock, clockPlugin, type DecisionStrategy,
  type LedgerWantView, type PeerQueueView, type PeerSelector, type Plugin, type RequestSplitter, type TaskView
} from '@swapwright/core'
import { memoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { SimulatedNetwork } from '@swapwright/transports'

/** The peers and wants every micro-benchmark decides over. */
export const PEERS = Array.from({ length: 20 }, (_, i) => `peer-${i}`)
export const WANTS = 100

export async function cids (count: number): Promise<CID[]> {
  const out: CID[] = []
  for (let i = 0; i < count; i++) out.push(CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(`bench ${i}`))))
  return out
}

export interface Resolved {
  requestSplitter: RequestSplitter
  peerSelector: PeerSelector
  decisionStrategy: DecisionStrategy
}

let nodes = 0
/** Builds a node around the plugins so each strategy is constructed exactly as a node would construct it. */
export async function resolve (plugins: { requestSplitter?: Plugin<RequestSplitter>, peerSelector?: Plugin<PeerSelector>, decisionStrategy?: Plugin<DecisionStrategy> }): Promise<Resolved> {
  const clock = new VirtualClock()
  const network = new SimulatedNetwork({ clock })
  const node = createBitswap({
    ...goDefaults(), ...plugins, network: network.plugin(`bench-${nodes++}`), blockstore: blockstorePlugin(memoryBlockstore()), clock: clockPlugin(clock), random: randomPlugin(7)
  })
  const { requestSplitter, peerSelector, decisionStrategy } = node.components
  return { requestSplitter, peerSelector, decisionStrategy }
}

/** Server queues of varied shape: some idle, some busy, some served long ago. */
export function peerViews (count: number): PeerQueueView[] {
  return Array.from({ length: count }, (_, i) => ({
    peer: `peer-${i}`,
    pendingTasks: (i * 7) % 23,
    activeTasks: i % 4,
    activeBytes: (i % 4) * 8000,
    lastServedAt: i % 5 === 0 ? undefined : 1000 * (i % 13),
    bytesSent: i * 10_000,
    bytesReceived: ((i * 37) % 11) * 5000
  }))
}

export function taskViews (list: readonly CID[]): TaskView[] {
  return list.map((cid, i) => ({ cid, priority: (i * 31) % 17, wantType: i % 3 === 0 ? 'have' : 'block', blockSize: 8000, seq: i }))
}

export function ledgerViews (list: readonly CID[], seqFrom: number): LedgerWantView[] {
  return list.map((cid, i) => ({ cid, priority: (i * 13) % 29, wantType: i % 4 === 0 ? 'have' : 'block', have: i % 3 !== 0, seq: seqFrom + i }))
}
