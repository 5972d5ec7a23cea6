import { CID } from 'multiformats/cid'
import {
  DEFAULT_MAX_BLOCKS_PER_MESSAGE, DEFAULT_MAX_PRESENCES_PER_MESSAGE, DEFAULT_MAX_WANTLIST_ENTRIES_PER_MESSAGE
} from '../constants.js'
import { readMessage } from './decode.js'
import { Message } from './message.js'
import { CIDV0_PREFIX, decodePrefix, toCidV0 } from './prefix.js'
import { supportsCidPrefixes, supportsPresences } from './versions.js'
import type { ProtocolVersion } from '../types.js'
import type { BitswapMessage, DecodedMessage, WantEntry } from './types.js'
import type { Uint8ArrayList } from 'uint8arraylist'

/** Bounds on what one incoming message may hold; beyond them the message is rejected whole. */
export interface DecodeLimits {
  /** Default 8192. */
  maxWantlistEntries: number
  /** Raw and payload blocks together. Default 4096. */
  maxBlocks: number
  /** Default 8192. */
  maxPresences: number
  /**
   * Wants (not cancels) of one message that are turned into CIDs: the most urgent, by priority and then order.
   * The rest are dropped and counted in `droppedWants`, before any CID object is built for them. A server gives
   * its `maxWantsPerPeer` here: it would keep no more of one message anyway, and a flood of full wantlists then
   * costs the CIDs it can keep, not one per want sent (about 600 bytes each). Default: no cut.
   */
  maxWantsKept?: number
}

export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxWantlistEntries: DEFAULT_MAX_WANTLIST_ENTRIES_PER_MESSAGE,
  maxBlocks: DEFAULT_MAX_BLOCKS_PER_MESSAGE,
  maxPresences: DEFAULT_MAX_PRESENCES_PER_MESSAGE
})

/** What had to be left out to fit a message to an older peer. */
export interface Downgrade {
  message: BitswapMessage
  /** Entries the peer's version cannot express at all (non-CIDv0 wants and blocks for 1.0.0, presences). */
  dropped: { wants: number, blocks: number, presences: number }
}

/**
 * Fits a message to what a peer of `version` understands. 1.1.0 and 1.0.0 peers know no WANT_HAVE, presences,
 * sendDontHave or pendingBytes: want-haves become want-blocks (the only way left to ask), presences are
 * dropped. 1.0.0 peers also know only CIDv0, so other wants and blocks are dropped.
 */
export function downgradeMessage (message: BitswapMessage, version: ProtocolVersion): Downgrade {
  const dropped = { wants: 0, blocks: 0, presences: 0 }
  if (supportsPresences(version)) return { message, dropped }

  let entries: WantEntry[] | undefined
  if (message.wantlist != null) {
    entries = []
    for (const entry of message.wantlist.entries) {
      const cid = supportsCidPrefixes(version) ? entry.cid : toCidV0(entry.cid)
      if (cid == null) {
        dropped.wants++
        continue
      }
      entries.push({ ...entry, cid, wantType: 'block', sendDontHave: false })
    }
  }
  let blocks = message.blocks
  if (!supportsCidPrefixes(version)) {
    blocks = message.blocks.filter(block => isCidV0Prefix(block.prefix))
    dropped.blocks = message.blocks.length - blocks.length
  }
  dropped.presences = message.presences.length
  return {
    message: {
      wantlist: message.wantlist == null || entries == null ? undefined : { entries, full: message.wantlist.full },
      blocks,
      presences: [],
      pendingBytes: 0
    },
    dropped
  }
}

/**
 * The wants of `message` a peer of `version` can never receive: on 1.0.0 (and the bare `/ipfs/bitswap`), every
 * want that has no CIDv0 form. `downgradeMessage` leaves them out; the sender learns of them here, so it can
 * treat them as that peer's DONT_HAVE instead of waiting for an answer that cannot come.
 */
export function unsendableWants (message: BitswapMessage, version: ProtocolVersion | undefined): CID[] {
  if (version == null || supportsCidPrefixes(version) || message.wantlist == null) return []
  const lost: CID[] = []
  for (const entry of message.wantlist.entries) {
    if (!entry.cancel && toCidV0(entry.cid) == null) lost.push(entry.cid)
  }
  return lost
}

function isCidV0Prefix (prefix: Uint8Array): boolean {
  try {
    const p = decodePrefix(prefix)
    return p.codec === CIDV0_PREFIX.codec && p.multihashCode === CIDV0_PREFIX.multihashCode && p.digestLength === 32
  } catch {
    return false
  }
}

/** Protobuf bytes (without the length prefix) of `message` as a peer of `version` should receive it. */
export function encodeMessage (message: BitswapMessage, version: ProtocolVersion = '1.2.0'): Uint8Array {
  return Message.encode(toProtobuf(downgradeMessage(message, version).message, version))
}

/** The protobuf object for an already-downgraded message (used by the size estimate tests too). */
export function toProtobuf (message: BitswapMessage, version: ProtocolVersion): Partial<Message> {
  const pb: Partial<Message> = {}
  if (message.wantlist != null) {
    pb.wantlist = {
      full: message.wantlist.full,
      entries: message.wantlist.entries.map(entry => ({
        block: entry.cid.bytes as Uint8Array<ArrayBuffer>,
        priority: entry.priority,
        cancel: entry.cancel,
        wantType: entry.wantType === 'have' ? Message.WantType.Have : Message.WantType.Block,
        sendDontHave: entry.sendDontHave
      }))
    }
  }
  if (supportsCidPrefixes(version)) {
    pb.payload = message.blocks.map(block => ({
      prefix: block.prefix as Uint8Array<ArrayBuffer>,
      data: block.data as Uint8Array<ArrayBuffer>
    }))
  } else {
    pb.blocks = message.blocks.map(block => block.data as Uint8Array<ArrayBuffer>)
  }
  if (message.presences.length > 0) {
    pb.blockPresences = message.presences.map(presence => ({
      cid: presence.cid.bytes as Uint8Array<ArrayBuffer>,
      type: presence.type === 'have' ? Message.BlockPresenceType.Have : Message.BlockPresenceType.DontHave
    }))
  }
  const pendingBytes = wirePendingBytes(message.pendingBytes)
  if (pendingBytes > 0) pb.pendingBytes = pendingBytes
  return pb
}

const MAX_INT32 = 2 ** 31 - 1

/**
 * pendingBytes as it goes on the wire: an int32, so a larger queue is reported as the largest int32 instead
 * of wrapping around to a negative or small number.
 */
export function wirePendingBytes (pendingBytes: number): number {
  return Math.max(0, Math.min(pendingBytes, MAX_INT32))
}

/**
 * Decodes protobuf bytes of any version. Throws MessageLimitError past the limits and MalformedMessageError for
 * bytes that are not a Bitswap message; an entry with an unparseable or oversized CID is dropped and counted
 * instead, so one bad want does not cost the peer its others.
 */
export function decodeMessage (bytes: Uint8Array | Uint8ArrayList, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodedMessage {
  return readMessage(bytes, limits)
}
