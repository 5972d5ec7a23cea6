import type { EvictionDecision, LedgerWantView } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

const mostImportantFirst = (a: LedgerWantView, b: LedgerWantView): number => (b.priority - a.priority) || (a.seq - b.seq)
const leastImportantFirst = (a: LedgerWantView, b: LedgerWantView): number => (a.priority - b.priority) || (a.seq - b.seq)

/**
 * Go's priority-aware ledger eviction (boxo's engine, on a full ledger). Incoming wants are taken most
 * important first. Room is made first from wants for blocks we do not have: they cost a slot but earn the peer
 * nothing unless the block turns up later. Only then is a want we could serve given up, and only for an incoming
 * want of strictly higher priority; an incoming want that cannot beat anything is dropped instead.
 */
export function evictByPriority (current: readonly LedgerWantView[], incoming: readonly LedgerWantView[], limit: number): EvictionDecision {
  const held = new Set(current.map(want => want.cid.toString()))
  const seen = new Set<string>()
  // a want the ledger already holds only updates its entry and needs no room
  const rewanted: CID[] = []
  const fresh: LedgerWantView[] = []
  for (const want of incoming) {
    const key = want.cid.toString()
    if (seen.has(key)) continue
    seen.add(key)
    if (held.has(key)) rewanted.push(want.cid)
    else fresh.push(want)
  }
  fresh.sort(mostImportantFirst)
  const unservable = current.filter(want => !want.have).sort(leastImportantFirst)
  const servable = current.filter(want => want.have).sort(leastImportantFirst)

  const evicted: LedgerWantView[] = []
  let size = current.length
  // a ledger that is somehow already over the limit is brought back to it before anything is taken
  while (size > limit) {
    const victim = unservable.shift() ?? servable.shift()
    if (victim === undefined) break
    evicted.push(victim)
    size--
  }

  const accepted: CID[] = []
  for (const want of fresh) {
    if (size < limit) {
      accepted.push(want.cid)
      size++
      continue
    }
    const victim = unservable.shift() ?? (servable.length > 0 && servable[0].priority < want.priority ? servable.shift() : undefined)
    // wants come most important first, so if this one cannot make room, none after it can
    if (victim === undefined) break
    evicted.push(victim)
    accepted.push(want.cid)
  }

  const gone = new Set(evicted.map(want => want.cid.toString()))
  return {
    evict: evicted.map(want => want.cid),
    accept: [...rewanted.filter(cid => !gone.has(cid.toString())), ...accepted]
  }
}
