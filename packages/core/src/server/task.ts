import type { TaskView } from '../interfaces/decision-strategy.js'
import type { PeerKey } from '../types.js'
import type { WantType } from '../wire/types.js'
import type { CID } from 'multiformats/cid'

/** What a task puts in the reply. */
export type Reply = 'block' | 'have' | 'dont-have'

/** Bytes a presence adds to a message: about a CID and two tags. Used as the work of HAVE and DONT_HAVE. */
export const PRESENCE_WORK = 40

/** One answer the server owes a peer. */
export interface Task extends TaskView {
  readonly peer: PeerKey
  /** `blockKey` of the CID. */
  readonly key: string
  readonly cid: CID
  priority: number
  wantType: WantType
  sendDontHave: boolean
  reply: Reply
  /** Bytes the reply puts on the wire: the block size, or PRESENCE_WORK. */
  work: number
  blockSize: number | undefined
  seq: number
  /** Set when the task was cancelled or superseded while still in a heap. */
  dead: boolean
}

const RANK: Record<Reply, number> = { 'dont-have': 0, have: 1, block: 2 }

/** Whether `next` tells the peer more than `current` (a block beats a HAVE beats a DONT_HAVE). */
export function addsInformation (current: Task, next: Task): boolean {
  return RANK[next.reply] > RANK[current.reply]
}

/** Folds a newer task for the same CID into a pending one: the higher priority and the richer reply win. */
export function mergeInto (current: Task, next: Task): void {
  current.priority = Math.max(current.priority, next.priority)
  current.sendDontHave = current.sendDontHave || next.sendDontHave
  if (addsInformation(current, next)) {
    current.reply = next.reply
    current.wantType = next.wantType
    current.work = next.work
    current.blockSize = next.blockSize
  }
}
