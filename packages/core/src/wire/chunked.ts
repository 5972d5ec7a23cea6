import { Uint8ArrayList } from 'uint8arraylist'
import * as varint from 'uint8-varint'
import { toProtobuf } from './codec.js'
import { Message } from './message.js'
import { supportsCidPrefixes } from './versions.js'
import type { ProtocolVersion } from '../types.js'
import type { BitswapMessage, BlockPayload } from './types.js'

/**
 * Blocks at least this large go on the wire by reference: their bytes are never copied into the message. Below
 * it, copying is cheaper than carrying one more chunk through the muxer and the encryption.
 */
export const REFERENCED_BLOCK_SIZE = 8 * 1024

/** Protobuf tags (field number << 3 | wire type 2): Message.blocks, Message.payload, Block.prefix, Block.data. */
const TAG_RAW_BLOCK = 0x12
const TAG_PAYLOAD = 0x1a
const TAG_PREFIX = 0x0a
const TAG_DATA = 0x12

/**
 * The protobuf body of an already-downgraded message as a list of chunks, byte for byte what `encodeMessage`
 * produces once concatenated, but with every large block's bytes referenced instead of copied. A message of
 * blocks is otherwise a fresh allocation and a copy of each block, for every message a server sends.
 *
 * It relies on what protobuf encoding is: a message is its fields one after another, in field order for this
 * encoder, so the fields before the blocks, each block, and the fields after them can be written separately.
 */
export function encodeMessageChunks (message: BitswapMessage, version: ProtocolVersion): Uint8ArrayList {
  const out = new Uint8ArrayList()
  const pb = toProtobuf(message, version)
  if (pb.wantlist != null) out.append(Message.encode({ wantlist: pb.wantlist }))

  const prefixed = supportsCidPrefixes(version)
  let copied: BlockPayload[] = []
  const flushCopied = (): void => {
    if (copied.length === 0) return
    out.append(Message.encode(prefixed
      ? { payload: copied.map(block => ({ prefix: block.prefix as Uint8Array<ArrayBuffer>, data: block.data as Uint8Array<ArrayBuffer> })) }
      : { blocks: copied.map(block => block.data as Uint8Array<ArrayBuffer>) }))
    copied = []
  }
  for (const block of message.blocks) {
    if (block.data.byteLength < REFERENCED_BLOCK_SIZE) {
      copied.push(block)
      continue
    }
    flushCopied()
    out.append(prefixed ? payloadHeader(block) : rawBlockHeader(block))
    out.append(block.data)
  }
  flushCopied()

  if (pb.blockPresences != null || pb.pendingBytes != null) {
    const tail = Message.encode({ blockPresences: pb.blockPresences, pendingBytes: pb.pendingBytes })
    if (tail.byteLength > 0) out.append(tail)
  }
  return out
}

/** A 1.0.0 block up to its data: the field tag and the data's length. */
function rawBlockHeader (block: BlockPayload): Uint8Array {
  const length = block.data.byteLength
  const header = new Uint8Array(1 + varint.encodingLength(length))
  header[0] = TAG_RAW_BLOCK
  varint.encode(length, header, 1)
  return header
}

/** A 1.1.0+ block up to its data: the payload field, the prefix field, and the data field's tag and length. */
function payloadHeader (block: BlockPayload): Uint8Array {
  const prefix = block.prefix.byteLength
  const data = block.data.byteLength
  // Empty fields are left out, as the generated encoder does (data never is empty here).
  const prefixField = prefix > 0 ? 1 + varint.encodingLength(prefix) + prefix : 0
  const inner = prefixField + 1 + varint.encodingLength(data) + data
  const header = new Uint8Array(1 + varint.encodingLength(inner) + prefixField + 1 + varint.encodingLength(data))
  let offset = 0
  header[offset++] = TAG_PAYLOAD
  varint.encode(inner, header, offset)
  offset += varint.encodingLength(inner)
  if (prefix > 0) {
    header[offset++] = TAG_PREFIX
    varint.encode(prefix, header, offset)
    offset += varint.encodingLength(prefix)
    header.set(block.prefix, offset)
    offset += prefix
  }
  header[offset++] = TAG_DATA
  varint.encode(data, header, offset)
  return header
}
