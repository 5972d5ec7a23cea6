import * as varint from 'uint8-varint'
import { wirePendingBytes } from './codec.js'
import { supportsCidPrefixes } from './versions.js'
import type { ProtocolVersion } from '../types.js'
import type { BitswapMessage, BlockPayload, Presence, WantEntry } from './types.js'

/*
 * Exact protobuf sizes of message parts, computed without encoding, so that splitting a message with large
 * blocks costs no copies. They mirror the encoder: default-valued fields are not written.
 */

const int32Length = (value: number): number => value < 0 ? 10 : varint.encodingLength(value)
const bytesField = (length: number): number => length === 0 ? 0 : 1 + varint.encodingLength(length) + length
const nested = (inner: number): number => 1 + varint.encodingLength(inner) + inner

export function blockSize (block: BlockPayload, version: ProtocolVersion): number {
  if (!supportsCidPrefixes(version)) return 1 + varint.encodingLength(block.data.byteLength) + block.data.byteLength
  return nested(bytesField(block.prefix.byteLength) + bytesField(block.data.byteLength))
}

export function presenceSize (presence: Presence): number {
  return nested(bytesField(presence.cid.bytes.byteLength) + (presence.type === 'have' ? 0 : 2))
}

export function wantEntrySize (entry: WantEntry): number {
  return nested(
    bytesField(entry.cid.bytes.byteLength) +
    (entry.priority !== 0 ? 1 + int32Length(entry.priority) : 0) +
    (entry.cancel ? 2 : 0) +
    (entry.wantType === 'have' ? 2 : 0) +
    (entry.sendDontHave ? 2 : 0)
  )
}

/** The wantlist field, given the summed size of its entries. */
export function wantlistSize (entriesSize: number, full: boolean): number {
  return nested(entriesSize + (full ? 2 : 0))
}

export function pendingBytesSize (pendingBytes: number): number {
  const value = wirePendingBytes(pendingBytes)
  return value === 0 ? 0 : 1 + int32Length(value)
}

/** Size of the protobuf encoding of an already-downgraded message for `version` (without the length prefix). */
export function encodedSize (message: BitswapMessage, version: ProtocolVersion = '1.2.0'): number {
  let size = pendingBytesSize(message.pendingBytes)
  for (const block of message.blocks) size += blockSize(block, version)
  for (const presence of message.presences) size += presenceSize(presence)
  if (message.wantlist != null) {
    let entries = 0
    for (const entry of message.wantlist.entries) entries += wantEntrySize(entry)
    size += wantlistSize(entries, message.wantlist.full)
  }
  return size
}
