import { encodeForPeer, type BitswapMessage, type ProtocolVersion } from '@swapwright/core'

/** Default `remembered`: distinct block-free messages whose encodings are kept for reuse. */
export const DEFAULT_REMEMBERED_ENCODINGS = 16

/** What decides a block-free message's bytes, as flat values: CIDs by object, then every field of every entry. */
type Shape = unknown[]

interface Remembered {
  shape: Shape
  parts: Uint8Array[]
}

/**
 * Encodes the messages of a simulated network, once per distinct block-free content. A node broadcasting a want
 * hands each of hundreds of peers its own message object with the same entries (the same CID objects), and
 * hundreds of seeds answer it with the same HAVEs (the CIDs they decoded, which the network's shared decoding
 * makes the same objects): encoding every copy again was most of the sending. Here a message is compared field
 * by field with those encoded lately and, when equal, gets the same bytes, which encoding it would have given;
 * the bytes are never changed after they are made, so sharing them is safe.
 *
 * Messages with blocks are encoded each time: they are rarely repeated, and comparing block bytes costs what
 * copying them does.
 */
export class SharingMessageEncoder {
  private readonly recent: Remembered[] = []
  /** Encodings saved (for tests and tuning). */
  reused = 0

  constructor (private readonly remembered = DEFAULT_REMEMBERED_ENCODINGS) {}

  encode (message: BitswapMessage, version: ProtocolVersion, targetSize: number | undefined): Uint8Array[] {
    if (message.blocks.length > 0 || this.remembered === 0) return encodeForPeer(message, version, { targetSize })
    const shape = shapeOf(message, version, targetSize)
    for (const entry of this.recent) {
      if (sameShape(entry.shape, shape)) {
        this.reused++
        return entry.parts
      }
    }
    const parts = encodeForPeer(message, version, { targetSize })
    this.recent.push({ shape, parts })
    if (this.recent.length > this.remembered) this.recent.shift()
    return parts
  }
}

function shapeOf (message: BitswapMessage, version: ProtocolVersion, targetSize: number | undefined): Shape {
  const shape: Shape = [version, targetSize, message.pendingBytes, message.presences.length]
  for (const presence of message.presences) shape.push(presence.cid, presence.type)
  const wantlist = message.wantlist
  if (wantlist == null) {
    shape.push(undefined)
  } else {
    shape.push(wantlist.full, wantlist.entries.length)
    for (const entry of wantlist.entries) shape.push(entry.cid, entry.priority, entry.wantType, entry.sendDontHave, entry.cancel)
  }
  return shape
}

function sameShape (a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
