import type { Libp2p, PeerData, PeerId } from '@libp2p/interface'

/**
 * How long a protocol filed in a peer's record is taken as still there (1 s). Once a second, not never: filing
 * also refreshes the record's update time, which the peer store goes by when it expires records.
 */
export const PROTOCOL_REFILE_INTERVAL_MS = 1000

/**
 * Spares the peer store filing, again and again, a protocol it has just filed for a peer. libp2p files the
 * protocol of every inbound stream in the peer's record before handing the stream over: a lock, a read of the
 * record, its decoding, the merge, an encoding and a write. A Go peer opens a stream for every message it sends,
 * so a fetch of 16,000 blocks of 1 KiB from one paid that a thousand times over for the same protocol. Now a
 * protocol-only merge of a protocol filed for that peer less than `PROTOCOL_REFILE_INTERVAL_MS` ago is skipped;
 * any other write of the peer's record (or a signed record consumed, which may touch any) forgets what was filed,
 * so the next merge goes to the store again. What a skipped merge returns is the record the last one returned:
 * nothing has written it since.
 */
export function skipRefiledProtocols (libp2p: Libp2p, now: () => number = () => performance.now()): RefiledProtocols {
  const store = libp2p.peerStore
  const merge = store.merge.bind(store)
  const patch = store.patch.bind(store)
  const save = store.save.bind(store)
  const remove = store.delete.bind(store)
  const consume = store.consumePeerRecord.bind(store)
  /** Per peer (its id's text): when each protocol was last filed, and the record that filing returned. */
  const filed = new Map<string, { at: Map<string, number>, record: Awaited<ReturnType<typeof merge>> }>()
  /** Counts the other writes, so a merge that one overtook (under the store's lock) is not remembered. */
  let writes = 0
  // what was filed for a peer is forgotten when it goes, so a server that many peers pass through keeps no trace of them
  libp2p.addEventListener('peer:disconnect', event => { filed.delete(event.detail.toString()) })
  const fresh = (peer: PeerId, data: PeerData): ReturnType<typeof merge> | undefined => {
    const protocols = data.protocols
    if (protocols == null || !onlyProtocols(data)) return undefined
    const known = filed.get(peer.toString())
    if (known == null) return undefined
    const t = now()
    for (const protocol of protocols) {
      const at = known.at.get(protocol)
      if (at === undefined || t - at >= PROTOCOL_REFILE_INTERVAL_MS) return undefined
    }
    return Promise.resolve(known.record)
  }
  store.merge = async (peer, data, options) => {
    const skipped = fresh(peer, data)
    if (skipped != null) return skipped
    const key = peer.toString()
    if (!onlyProtocols(data)) {
      writes++
      filed.delete(key)
      return merge(peer, data, options)
    }
    const before = writes
    const record = await merge(peer, data, options)
    if (writes !== before) return record
    // protocols filed earlier are still in the record: a merge only adds
    const entry = filed.get(key) ?? { at: new Map<string, number>(), record }
    entry.record = record
    const at = now()
    for (const protocol of data.protocols ?? []) entry.at.set(protocol, at)
    filed.set(key, entry)
    return record
  }
  store.patch = async (peer, data, options) => {
    writes++
    filed.delete(peer.toString())
    return patch(peer, data, options)
  }
  store.save = async (peer, data, options) => {
    writes++
    filed.delete(peer.toString())
    return save(peer, data, options)
  }
  store.delete = async (peer, options) => {
    writes++
    filed.delete(peer.toString())
    await remove(peer, options)
  }
  store.consumePeerRecord = (async (...args: Parameters<typeof consume>) => {
    writes++
    filed.clear()
    return consume(...args)
  }) as typeof store.consumePeerRecord
  return { get peers () { return filed.size } }
}

/** What `skipRefiledProtocols` remembers, for tests and diagnostics. */
export interface RefiledProtocols {
  /** Peers whose filed protocols are remembered: only connected ones. */
  readonly peers: number
}

function onlyProtocols (data: PeerData): boolean {
  for (const key in data) if (key !== 'protocols' && (data as Record<string, unknown>)[key] !== undefined) return false
  return true
}
