import type { CID } from 'multiformats/cid'

/** A verified block of a received message, for the sessions that wanted it. */
export interface Arrival {
  cid: CID
  bytes: Uint8Array
  sessions: readonly number[]
}

/** One block as a session hears of it. */
export interface SessionArrival {
  cid: CID
  size: number
}

/**
 * What the blocks of one received message leave to do once the client has been through them all: the wants they
 * answered (for the peer's answer time, the CANCELs to other peers and, once stored, the sender's window), the
 * blocks stored (for the server and the routing system) and the blocks to hand to sessions and waiters. Gathered
 * per message, so that work is done once per message instead of once per block.
 */
export class Arrivals {
  /** Wanted CIDs the blocks answered, not yet recorded. */
  answered: CID[] = []
  /** Wanted CIDs the blocks answered, whose places in the sender's window are let go once they are stored. */
  readonly unwritten: CID[] = []
  readonly stored: CID[] = []
  readonly delivered: Arrival[] = []

  /** The answers not yet recorded; later ones (a hash that answered later) start a new list. */
  takeAnswered (): CID[] {
    const answered = this.answered
    this.answered = []
    return answered
  }

  /** The delivered blocks by session, in arrival order. */
  bySession (): Map<number, SessionArrival[]> {
    const out = new Map<number, SessionArrival[]>()
    for (const { cid, bytes, sessions } of this.delivered) {
      for (const id of sessions) {
        let list = out.get(id)
        if (list == null) {
          list = []
          out.set(id, list)
        }
        list.push({ cid, size: bytes.byteLength })
      }
    }
    return out
  }
}
