import type { PeerKey } from '@swapwright/core'

/** One broadcast: when it began, whom its first step asked, and every peer that answered it with a block or a HAVE. */
export interface Find {
  readonly at: number
  readonly peers: ReadonlySet<PeerKey>
  /**
   * The peers its first step asked; undefined when it asked every connected peer. A peer left out could not
   * answer (unless the provider search reached it), so its silence says nothing about what it holds.
   */
  readonly asked: ReadonlySet<PeerKey> | undefined
}

interface Entry { at: number, peers: Set<PeerKey>, asked: ReadonlySet<PeerKey> | undefined }

/**
 * Who answered each of the last broadcasts, as sets: scores say how often a peer answers, these say which
 * peers answer the same things. Ten peers that each hold most of what the top providers hold are worth a few
 * of them, not ten, and only the sets show it. Answers carry no CID, and broadcasts overlap (a stream of
 * roots), so an answer goes to the last broadcast begun at least `delay` before it (the caller's estimate of
 * how long the answer takes, a round trip for a HAVE): with the latest begun instead, the holders of one
 * root would join the set of the next, and a top provider's set would seem to hold everything. The last
 * `capacity` broadcasts are kept.
 */
export class FindHistory {
  private readonly finds: Entry[] = []

  constructor (private readonly capacity: number) {}

  /** A broadcast began at `at` (never before the last one), asking `asked` (undefined: every connected peer). */
  begin (at: number, asked?: ReadonlySet<PeerKey>): void {
    this.finds.push({ at, peers: new Set(), asked })
    if (this.finds.length > this.capacity) this.finds.shift()
  }

  /** `peer` answered usefully at `at`, an answer that takes about `delay` ms after the broadcast it answers. */
  add (peer: PeerKey, at: number, delay: number): void {
    let i = this.finds.length - 1
    while (i > 0 && this.finds[i].at > at - delay) i--
    this.finds[i]?.peers.add(peer)
  }

  /** Every broadcast kept, answered or not, oldest first. */
  kept (): readonly Find[] {
    return this.finds
  }
}
