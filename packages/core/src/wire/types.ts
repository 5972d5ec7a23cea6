import type { CID } from 'multiformats/cid'

/** `block` asks for the block itself; `have` (1.2.0) only asks whether the peer has it. */
export type WantType = 'block' | 'have'

/** A 1.2.0 block presence: the peer has the block, or (when asked) says it does not. */
export type PresenceType = 'have' | 'dont-have'

export interface WantEntry {
  cid: CID
  /** Higher is more urgent. */
  priority: number
  wantType: WantType
  /** Ask the peer to answer DONT_HAVE when it lacks the block (1.2.0). */
  sendDontHave: boolean
  /** Remove this CID from the peer's view of our wantlist. */
  cancel: boolean
}

export interface Wantlist {
  entries: WantEntry[]
  /** The entries are our whole wantlist: the peer replaces what it had. */
  full: boolean
}

/**
 * A block as it travels: the CID prefix (version, codec, hash function, digest length) and the bytes. The
 * receiver rebuilds the CID by hashing the bytes, which is what makes the block verifiable.
 */
export interface BlockPayload {
  prefix: Uint8Array
  data: Uint8Array
}

export interface Presence {
  cid: CID
  type: PresenceType
}

/** One Bitswap message, independent of the protocol version it is encoded for. */
export interface BitswapMessage {
  wantlist?: Wantlist
  blocks: BlockPayload[]
  presences: Presence[]
  /** Bytes the sender still has queued for us (1.2.0); 0 when unknown. */
  pendingBytes: number
}

/** A decoded message, with a count of the entries that were dropped as invalid rather than failing it whole. */
export interface DecodedMessage extends BitswapMessage {
  /** Wants and presences whose CID could not be parsed; the rest of the message is kept. */
  invalidEntries: number
  /** Wants left out by the decoder's `maxWantsKept` (the least urgent of a message with more). */
  droppedWants?: number
}

export function emptyMessage (): BitswapMessage {
  return { blocks: [], presences: [], pendingBytes: 0 }
}

export function isEmptyMessage (message: BitswapMessage): boolean {
  return message.blocks.length === 0 &&
    message.presences.length === 0 &&
    (message.wantlist == null || (message.wantlist.entries.length === 0 && !message.wantlist.full))
}
