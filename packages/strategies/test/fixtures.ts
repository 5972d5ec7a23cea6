import { SeededRandom, type Components, type LedgerWantView, type PeerKey, type PeerQueueView, type PendingWant, type Plugin, type RandomSource, type SessionContext, type TaskView } from '@swapwright/core'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'

const RAW = 0x55
const cids = new Map<number, CID>()

/** A distinct, stable CID per number (identity-hashed, so building one needs no hashing). */
export function cidOf (n: number): CID {
  let cid = cids.get(n)
  if (cid === undefined) {
    cid = CID.createV1(RAW, identity.digest(new TextEncoder().encode(`block-${n}`)))
    cids.set(n, cid)
  }
  return cid
}

export function peerNames (count: number, prefix = 'peer'): PeerKey[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`)
}

export const session = (sessionId = 1): SessionContext => ({ sessionId })

export const seeded = (seed: number): SeededRandom => new SeededRandom(seed)

export function want (cid: CID, ranked: readonly PeerKey[], sent: { block?: PeerKey[], have?: PeerKey[] } = {}): PendingWant {
  return { cid, ranked, blockSentTo: new Set(sent.block ?? []), haveSentTo: new Set(sent.have ?? []) }
}

export function queue (peer: PeerKey, fields: Partial<Omit<PeerQueueView, 'peer'>> = {}): PeerQueueView {
  return {
    peer,
    pendingTasks: 1,
    activeTasks: 0,
    activeBytes: 0,
    lastServedAt: 0,
    bytesSent: 0,
    bytesReceived: 0,
    ...fields
  }
}

export function task (seq: number, priority: number): TaskView {
  return { cid: cidOf(seq), priority, wantType: 'block', blockSize: 100, seq }
}

export function ledgerWant (n: number, priority: number, have = true): LedgerWantView {
  return { cid: cidOf(n), priority, wantType: 'block', have, seq: n }
}

/** Which peer comes first how often, over many rankings. */
export function firstPlaces (rankings: PeerKey[][]): Map<PeerKey, number> {
  const counts = new Map<PeerKey, number>()
  for (const ranking of rankings) {
    if (ranking.length > 0) counts.set(ranking[0], (counts.get(ranking[0]) ?? 0) + 1)
  }
  return counts
}

/** A logger that drops everything: the policies under test log only failures the tests cause on purpose. */
export const silentLogger: Components['logger'] = {
  forComponent: () => Object.assign(() => {}, { error: () => {}, trace: () => {}, newScope: () => { throw new Error('not here') }, enabled: false })
} as unknown as Components['logger']

/**
 * Builds a plugin the way a node does, over components of which a policy may read only the random source and
 * whatever `extra` gives (a broadcast policy also reads the clock and the logger).
 */
export function resolvePlugin<T> (plugin: Plugin<T>, random: RandomSource, extra: Partial<Components> = {}): T {
  const components = new Proxy({ random, ...extra } as Partial<Components>, {
    get: (target, key) => {
      if (key in target) return target[key as keyof Components]
      throw new Error(`a policy read components.${String(key)}; only ${Object.keys(target).join(', ')} are given here`)
    }
  })
  return plugin(components as Components)
}
