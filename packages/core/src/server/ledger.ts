import type { LedgerWantView } from '../interfaces/decision-strategy.js'
import type { PeerKey } from '../types.js'
import type { WantType } from '../wire/types.js'
import type { CID } from 'multiformats/cid'

/** A want a peer has told us about and we have not yet answered for good. */
export interface LedgerWant extends LedgerWantView {
  readonly key: string
  readonly cid: CID
  priority: number
  wantType: WantType
  sendDontHave: boolean
  /** Whether we held the block when we last looked. */
  have: boolean
  seq: number
}

/** One peer's wantlist on the server, and what we exchanged with it. */
export class Ledger {
  readonly peer: PeerKey
  private readonly wants = new Map<string, LedgerWant>()
  blocksSent = 0
  bytesSent = 0
  blocksReceived = 0
  bytesReceived = 0
  /** Entries ignored because of their CID (identity, oversized, unparseable). */
  ignoredEntries = 0
  /** Wants dropped to keep the ledger under its limit. */
  evictions = 0

  constructor (peer: PeerKey) {
    this.peer = peer
  }

  get size (): number {
    return this.wants.size
  }

  get (key: string): LedgerWant | undefined {
    return this.wants.get(key)
  }

  set (want: LedgerWant): void {
    this.wants.set(want.key, want)
  }

  delete (key: string): boolean {
    return this.wants.delete(key)
  }

  keys (): IterableIterator<string> {
    return this.wants.keys()
  }

  values (): IterableIterator<LedgerWant> {
    return this.wants.values()
  }
}
