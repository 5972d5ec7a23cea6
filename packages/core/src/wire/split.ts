import { DEFAULT_MAX_INCOMING_MESSAGE_SIZE, DEFAULT_MAX_OUTGOING_MESSAGE_SIZE } from '../constants.js'
import { BlockTooLargeError } from '../errors.js'
import { blockSize, pendingBytesSize, presenceSize, wantEntrySize, wantlistSize } from './size.js'
import type { ProtocolVersion } from '../types.js'
import type { BitswapMessage, WantEntry } from './types.js'

export interface SplitOptions {
  /** Version the message will be encoded for (sizes differ for 1.0.0). Default 1.2.0. */
  version?: ProtocolVersion
  /** Messages are filled up to this many bytes (default 2 MiB); a single larger block goes alone. */
  targetSize?: number
  /** No message may exceed this (default 4 MiB, what peers accept); a block that cannot fit throws. */
  maxSize?: number
}

/**
 * Splits a message into messages of at most `targetSize` encoded bytes: blocks first (they are what the peer is
 * waiting for), then presences, then wants. Never yields an empty message. A `full` wantlist that has to be
 * split keeps `full` on the first part only, or the later parts would wipe the earlier ones.
 */
export function splitMessage (message: BitswapMessage, options: SplitOptions = {}): BitswapMessage[] {
  const version = options.version ?? '1.2.0'
  const targetSize = options.targetSize ?? DEFAULT_MAX_OUTGOING_MESSAGE_SIZE
  const maxSize = options.maxSize ?? DEFAULT_MAX_INCOMING_MESSAGE_SIZE
  const base = pendingBytesSize(message.pendingBytes)
  const out: BitswapMessage[] = []

  let current: BitswapMessage = { blocks: [], presences: [], pendingBytes: message.pendingBytes }
  let size = base
  let entries: WantEntry[] = []
  let entriesSize = 0
  let fullPending = message.wantlist?.full === true

  const hasContent = (): boolean => current.blocks.length > 0 || current.presences.length > 0 || entries.length > 0
  const flush = (): void => {
    // The wantlist goes only with entries: a part of blocks alone must not carry an empty wantlist (its bytes
    // were never counted), and `full` has to land on the part that carries the first wants.
    if (entries.length > 0) {
      current.wantlist = { entries, full: fullPending }
      fullPending = false
    }
    if (hasContent() || current.wantlist != null) out.push(current)
    current = { blocks: [], presences: [], pendingBytes: message.pendingBytes }
    size = base
    entries = []
    entriesSize = 0
  }

  for (const block of message.blocks) {
    const itemSize = blockSize(block, version)
    if (base + itemSize > maxSize) throw new BlockTooLargeError(base + itemSize, maxSize)
    if (hasContent() && size + itemSize > targetSize) flush()
    current.blocks.push(block)
    size += itemSize
  }
  for (const presence of message.presences) {
    const itemSize = presenceSize(presence)
    if (hasContent() && size + itemSize > targetSize) flush()
    current.presences.push(presence)
    size += itemSize
  }
  for (const entry of message.wantlist?.entries ?? []) {
    const itemSize = wantEntrySize(entry)
    const withEntry = size + wantlistSize(entriesSize + itemSize, fullPending)
    if (hasContent() && withEntry > targetSize) flush()
    entries.push(entry)
    entriesSize += itemSize
  }
  if (fullPending && entries.length === 0) {
    // A full wantlist with no entries means "forget all my wants": it is sent too, last, within the target.
    if (hasContent() && size + wantlistSize(0, true) > targetSize) flush()
    current.wantlist = { entries: [], full: true }
  }
  flush()
  return out
}
