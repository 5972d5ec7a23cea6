import type { PeerKey } from '../types.js'

/**
 * A record per peer that outlives the peer's connection, so a test, a report or a metrics scrape can still read
 * it after the peer has gone; only the `retain` newest departures keep theirs, so churn cannot grow the map
 * forever.
 */
export class PeerRecords<T> {
  private readonly records = new Map<PeerKey, T>()
  /** Peers that left, oldest first. */
  private readonly gone = new Set<PeerKey>()

  constructor (private readonly create: () => T, readonly retain = 1024) {}

  /** The peer is here (again): it no longer counts as gone. Its record, made on first use. */
  arrived (peer: PeerKey): T {
    this.gone.delete(peer)
    return this.of(peer)
  }

  /** The peer's record, made on first use; a gone peer stays gone. */
  of (peer: PeerKey): T {
    let record = this.records.get(peer)
    if (record === undefined) {
      record = this.create()
      this.records.set(peer, record)
    }
    return record
  }

  /** The peer's record if it has one, without making one. */
  get (peer: PeerKey): T | undefined {
    return this.records.get(peer)
  }

  /** The peer disconnected: its record stays until `retain` later departures push it out. */
  departed (peer: PeerKey): void {
    this.gone.delete(peer)
    this.gone.add(peer)
    for (const oldest of this.gone) {
      if (this.gone.size <= this.retain) break
      this.gone.delete(oldest)
      this.records.delete(oldest)
    }
  }

  entries (): IterableIterator<[PeerKey, T]> {
    return this.records.entries()
  }

  values (): IterableIterator<T> {
    return this.records.values()
  }
}
