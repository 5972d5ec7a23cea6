import { decodeMessage, type DecodeLimits, type DecodedMessage } from '@swapwright/core'
import { CidInterner } from './cid-interner.js'

/** Default `remembered`: distinct block-free messages kept for reuse. */
export const DEFAULT_REMEMBERED_MESSAGES = 64
/**
 * Messages of one length compared with a new one, newest first: many small messages (a cancel, a HAVE) share a
 * length and differ only near their end, so comparing with every remembered one of that length cost more than
 * decoding the new one saved.
 */
const COMPARED_PER_LENGTH = 4

/**
 * Decodes the messages of a simulated network, once per distinct content. A broadcast reaches hundreds of peers
 * as the same bytes, and hundreds of peers answer it with the same HAVEs: decoding each copy again built the same
 * CIDs again, and every receiver then named each new CID object again (core's block keys are cached per CID
 * object). Here a message whose bytes equal one decoded lately gets that decoded message, frozen, so receivers
 * share its CIDs and their keys. The bytes still travel and are compared whole, so what a node receives is
 * exactly what decoding its bytes gives; a receiver that tried to change a shared message would throw.
 *
 * Only messages without blocks are kept: those are the repeated ones (wantlists, presences), and a block-carrying
 * message may be megabytes. Across messages that differ, equal CIDs still come as one object (`CidInterner`).
 */
export class SharingMessageDecoder {
  /** Recent messages by byte length, oldest first within the whole memory. */
  private readonly byLength = new Map<number, Array<{ bytes: Uint8Array, message: DecodedMessage }>>()
  private readonly order: Array<{ length: number, bytes: Uint8Array }> = []
  /** Decodes saved (for tests and tuning). */
  reused = 0

  constructor (
    private readonly limits: DecodeLimits | undefined,
    private readonly remembered = DEFAULT_REMEMBERED_MESSAGES,
    /** Gives every message's wants and presences one CID object per distinct CID (see `CidInterner`). */
    private readonly cids = new CidInterner()
  ) {}

  decode (bytes: Uint8Array): DecodedMessage {
    const same = this.byLength.get(bytes.byteLength)
    if (same != null) {
      for (let i = same.length - 1; i >= Math.max(0, same.length - COMPARED_PER_LENGTH); i--) {
        const entry = same[i]
        if (sameBytes(entry.bytes, bytes)) {
          this.reused++
          return entry.message
        }
      }
    }
    const message = this.interned(decodeMessage(bytes, this.limits))
    if (message.blocks.length === 0 && this.remembered > 0) this.remember(bytes, freeze(message))
    return message
  }

  /** The freshly decoded message, its wants and presences naming the network's objects for their CIDs. */
  private interned (message: DecodedMessage): DecodedMessage {
    for (const entry of message.wantlist?.entries ?? []) entry.cid = this.cids.intern(entry.cid)
    for (const presence of message.presences) presence.cid = this.cids.intern(presence.cid)
    return message
  }

  private remember (bytes: Uint8Array, message: DecodedMessage): void {
    let same = this.byLength.get(bytes.byteLength)
    if (same == null) {
      same = []
      this.byLength.set(bytes.byteLength, same)
    }
    same.push({ bytes, message })
    this.order.push({ length: bytes.byteLength, bytes })
    if (this.order.length > this.remembered) {
      const oldest = this.order.shift() as { length: number, bytes: Uint8Array }
      const list = this.byLength.get(oldest.length) ?? []
      const at = list.findIndex(entry => entry.bytes === oldest.bytes)
      if (at >= 0) list.splice(at, 1)
      if (list.length === 0) this.byLength.delete(oldest.length)
    }
  }
}

/** The message and everything in it but the CIDs (multiformats objects, which keep caches of their own). */
function freeze (message: DecodedMessage): DecodedMessage {
  if (message.wantlist != null) {
    for (const entry of message.wantlist.entries) Object.freeze(entry)
    Object.freeze(message.wantlist.entries)
    Object.freeze(message.wantlist)
  }
  for (const presence of message.presences) Object.freeze(presence)
  Object.freeze(message.presences)
  Object.freeze(message.blocks)
  return Object.freeze(message)
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  const n = a.byteLength
  if (n !== b.byteLength) return false
  // Four bytes at a time when both views are aligned (fresh encoder output is), else byte by byte.
  let i = 0
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = n >>> 2
    const aw = new Uint32Array(a.buffer, a.byteOffset, words)
    const bw = new Uint32Array(b.buffer, b.byteOffset, words)
    for (; i < words; i++) if (aw[i] !== bw[i]) return false
    i = words * 4
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false
  return true
}
