import { CID } from 'multiformats/cid'
import { MAX_CID_BYTES } from '../constants.js'
import { MalformedMessageError, MessageLimitError } from '../errors.js'
import { CIDV0_PREFIX_BYTES } from './prefix.js'
import { ChunkReader } from './chunk-reader.js'
import { ProtoReader, WireType } from './proto-reader.js'
import { KEPT_TABLE_ROWS, WantTable } from './want-table.js'
import type { DecodeLimits } from './codec.js'
import type { BlockPayload, DecodedMessage, Presence, WantEntry } from './types.js'
import type { Uint8ArrayList } from 'uint8arraylist'

/*
 * Field numbers of the Bitswap schema (message.proto): Message, Message.Wantlist, Message.Wantlist.Entry,
 * Message.Block and Message.BlockPresence.
 */
const MESSAGE = { WANTLIST: 1, BLOCKS: 2, PAYLOAD: 3, BLOCK_PRESENCES: 4, PENDING_BYTES: 5 } as const
const WANTLIST = { ENTRIES: 1, FULL: 2 } as const
const ENTRY = { BLOCK: 1, PRIORITY: 2, CANCEL: 3, WANT_TYPE: 4, SEND_DONT_HAVE: 5 } as const
const BLOCK = { PREFIX: 1, DATA: 2 } as const
const PRESENCE = { CID: 1, TYPE: 2 } as const
/** Enum values of WantType and BlockPresenceType: 0 is Block / Have, 1 is Have / DontHave. */
const WANT_HAVE = 1
const DONT_HAVE = 1

/** Reused by every decode (decoding is synchronous, so one at a time). */
let sharedTable: WantTable | undefined

/** An empty buffer for the field reader before its first field. */
const NO_BYTES = new Uint8Array(0)

/**
 * Decodes a Bitswap message straight from its protobuf bytes. Blocks come out as views of those bytes (no copy);
 * a want list is read into a table of numbers first, cut to the `maxWantsKept` most urgent wants, and only the
 * entries kept become objects with a CID. A flood of full want lists then costs the server the wants it keeps,
 * not a set of objects for each of the thousands sent (about 900 bytes a want with a generic decoder, which a
 * young generation of 1 MiB cannot hold, so the collector promoted them all before they died).
 *
 * A message that arrived in chunks is read where it lies: a field inside one chunk is a view of it, and only a
 * field that straddles chunks is copied, once and to its exact size (see ChunkReader). Joining the chunks first
 * copied every byte of every message. A block's view keeps its chunk (one decrypted frame, at most 64 KiB)
 * alive, as a view of the joined message kept the whole message.
 *
 * CIDs are built from copies of their bytes, so a want kept in a ledger does not keep its whole message alive.
 */
export function readMessage (bytes: Uint8Array | Uint8ArrayList, limits: DecodeLimits): DecodedMessage {
  const chunks = bytes instanceof Uint8Array ? [bytes] : Array.from(bytes)
  const table = sharedTable ?? new WantTable()
  sharedTable = undefined
  try {
    return readTop(new ChunkReader(chunks), table, limits)
  } finally {
    table.reset()
    if (table.rows <= KEPT_TABLE_ROWS) sharedTable = table
  }
}

function readTop (top: ChunkReader, table: WantTable, limits: DecodeLimits): DecodedMessage {
  const reader = new ProtoReader(NO_BYTES)
  let wantlist: Uint8Array | undefined
  const rawBlocks: Uint8Array[] = []
  const payload: BlockPayload[] = []
  const presences: Presence[] = []
  let presenceCount = 0
  let pendingBytes = 0
  let invalidEntries = 0
  while (!top.done) {
    top.next()
    switch (top.field) {
      case MESSAGE.WANTLIST: {
        top.expect(WireType.LEN)
        // A repeated singular field replaces the earlier one, as protobuf decoders do for a field seen twice.
        table.reset()
        const end = top.nested(reader)
        wantlist = reader.buf
        readWantlist(reader, table, end, limits)
        break
      }
      case MESSAGE.BLOCKS:
        top.expect(WireType.LEN)
        if (rawBlocks.length === limits.maxBlocks) throw overLimit('raw blocks', limits.maxBlocks, 'maxBlocks')
        rawBlocks.push(top.bytes())
        break
      case MESSAGE.PAYLOAD: {
        top.expect(WireType.LEN)
        if (payload.length === limits.maxBlocks) throw overLimit('payload blocks', limits.maxBlocks, 'maxBlocks')
        payload.push(readBlock(reader, top.nested(reader), payload.length === 0 ? undefined : payload[payload.length - 1].prefix))
        break
      }
      case MESSAGE.BLOCK_PRESENCES: {
        top.expect(WireType.LEN)
        if (presenceCount === limits.maxPresences) throw overLimit('presences', limits.maxPresences, 'maxPresences')
        presenceCount++
        const presence = readPresence(reader, top.nested(reader))
        if (presence == null) invalidEntries++
        else presences.push(presence)
        break
      }
      case MESSAGE.PENDING_BYTES:
        top.expect(WireType.VARINT)
        pendingBytes = top.int32()
        break
      default:
        top.skip()
    }
  }
  if (rawBlocks.length + payload.length > limits.maxBlocks) {
    throw new MessageLimitError(`Message carries ${rawBlocks.length + payload.length} blocks, over the limit of ${limits.maxBlocks}`)
  }
  const blocks: BlockPayload[] = []
  for (const data of rawBlocks) blocks.push({ prefix: CIDV0_PREFIX_BYTES, data })
  for (const block of payload) blocks.push(block)
  const decoded: DecodedMessage = { blocks, presences, pendingBytes: Math.max(0, pendingBytes), invalidEntries }
  if (wantlist !== undefined) {
    const { entries, dropped, invalid } = keptWants(wantlist, table, limits.maxWantsKept)
    if (dropped > 0) decoded.droppedWants = dropped
    decoded.invalidEntries += invalid
    decoded.wantlist = { entries, full: table.full }
  }
  return decoded
}

function readWantlist (reader: ProtoReader, table: WantTable, end: number, limits: DecodeLimits): void {
  while (reader.pos < end) {
    reader.next(end)
    if (reader.field === WANTLIST.ENTRIES) {
      reader.expect(WireType.LEN)
      if (table.count === limits.maxWantlistEntries) throw overLimit('wantlist entries', limits.maxWantlistEntries, 'maxWantlistEntries')
      readEntry(reader, table, reader.nested(end))
    } else if (reader.field === WANTLIST.FULL) {
      reader.expect(WireType.VARINT)
      table.full = reader.bool(end)
    } else {
      reader.skip(end)
    }
  }
}

function readEntry (reader: ProtoReader, table: WantTable, end: number): void {
  const row = table.add()
  while (reader.pos < end) {
    reader.next(end)
    switch (reader.field) {
      case ENTRY.BLOCK: {
        reader.expect(WireType.LEN)
        const length = reader.length(end)
        table.setCid(row, reader.pos, reader.pos + length)
        reader.pos += length
        break
      }
      case ENTRY.PRIORITY:
        reader.expect(WireType.VARINT)
        table.setPriority(row, reader.int32(end))
        break
      case ENTRY.CANCEL:
        reader.expect(WireType.VARINT)
        table.setCancel(row, reader.bool(end))
        break
      case ENTRY.WANT_TYPE:
        reader.expect(WireType.VARINT)
        table.setHave(row, enumValue(reader.int32(end), 'WantType') === WANT_HAVE)
        break
      case ENTRY.SEND_DONT_HAVE:
        reader.expect(WireType.VARINT)
        table.setSendDontHave(row, reader.bool(end))
        break
      default:
        reader.skip(end)
    }
  }
}

/**
 * One block of a payload. Nearly every block of a message has the prefix of the one before it (`previous`): it
 * then shares that view instead of making its own, and a field left out gets its empty array only then, so a
 * message of small blocks makes one array per block (its data) where it made four.
 */
function readBlock (reader: ProtoReader, end: number, previous: Uint8Array | undefined): BlockPayload {
  let prefix: Uint8Array | undefined
  let data: Uint8Array | undefined
  while (reader.pos < end) {
    reader.next(end)
    if (reader.field === BLOCK.PREFIX) {
      reader.expect(WireType.LEN)
      const length = reader.length(end)
      const start = reader.pos
      reader.pos += length
      prefix = previous !== undefined && sameBytesAt(reader.buf, start, length, previous) ? previous : reader.buf.subarray(start, reader.pos)
    } else if (reader.field === BLOCK.DATA) {
      reader.expect(WireType.LEN)
      data = bytesField(reader, end)
    } else {
      reader.skip(end)
    }
  }
  return { prefix: prefix ?? new Uint8Array(0), data: data ?? new Uint8Array(0) }
}

/** Whether `buf[start, start + length)` holds exactly the bytes of `other`. */
function sameBytesAt (buf: Uint8Array, start: number, length: number, other: Uint8Array): boolean {
  if (other.byteLength !== length) return false
  for (let i = 0; i < length; i++) {
    if (buf[start + i] !== other[i]) return false
  }
  return true
}

/** A presence, or undefined when its CID does not parse (counted, and the rest of the message kept). */
function readPresence (reader: ProtoReader, end: number): Presence | undefined {
  let start = 0
  let stop = 0
  let dontHave = false
  while (reader.pos < end) {
    reader.next(end)
    if (reader.field === PRESENCE.CID) {
      reader.expect(WireType.LEN)
      const length = reader.length(end)
      start = reader.pos
      stop = reader.pos + length
      reader.pos = stop
    } else if (reader.field === PRESENCE.TYPE) {
      reader.expect(WireType.VARINT)
      dontHave = enumValue(reader.int32(end), 'BlockPresenceType') === DONT_HAVE
    } else {
      reader.skip(end)
    }
  }
  const cid = parseCid(reader.buf.slice(start, stop), 0, stop - start)
  return cid == null ? undefined : { cid, type: dontHave ? 'dont-have' : 'have' }
}

/**
 * The entries kept by the `keep` cut, in their order, each with its CID; wants whose CID does not parse are
 * counted. The kept CIDs' bytes are copied together into one buffer: a ledger holding them holds that, not the
 * message, and one allocation per message (not one per CID) keeps the allocator's heap from fragmenting.
 */
function keptWants (buf: Uint8Array, table: WantTable, keep: number | undefined): { entries: WantEntry[], dropped: number, invalid: number } {
  const { kept, dropped } = table.urgentCut(keep)
  const rows: number[] = []
  let invalid = 0
  let total = 0
  for (let row = 0; row < table.count; row++) {
    if (!kept(row)) continue
    const length = table.cidEndOf(row) - table.cidStartOf(row)
    if (length > MAX_CID_BYTES) {
      invalid++
      continue
    }
    rows.push(row)
    total += length
  }
  const copies = new Uint8Array(total)
  let offset = 0
  const entries: WantEntry[] = []
  for (const row of rows) {
    const start = offset
    copies.set(buf.subarray(table.cidStartOf(row), table.cidEndOf(row)), start)
    offset += table.cidEndOf(row) - table.cidStartOf(row)
    const cid = parseCid(copies, start, offset)
    if (cid == null) {
      invalid++
      continue
    }
    entries.push({
      cid,
      priority: table.priorityOf(row),
      cancel: table.isCancel(row),
      wantType: table.isHave(row) ? 'have' : 'block',
      sendDontHave: table.sendsDontHave(row)
    })
  }
  return { entries, dropped, invalid }
}

/** A CID from `buf[start, end)`, or undefined for bytes that are too long or not one CID exactly. */
function parseCid (buf: Uint8Array, start: number, end: number): CID | undefined {
  if (end - start > MAX_CID_BYTES) return undefined
  try {
    return CID.decode(buf.subarray(start, end))
  } catch {
    return undefined
  }
}

function bytesField (reader: ProtoReader, end: number): Uint8Array {
  const length = reader.length(end)
  const start = reader.pos
  reader.pos += length
  return reader.buf.subarray(start, reader.pos)
}

/** Both enums of the schema have the values 0 and 1; anything else is not a message we can read. */
function enumValue (value: number, name: string): number {
  if (value !== 0 && value !== 1) throw new MalformedMessageError(`Invalid ${name} value ${value}`)
  return value
}

function overLimit (what: string, limit: number, option: string): MessageLimitError {
  return new MessageLimitError(`Message has more ${what} than the limit of ${limit} (${option})`)
}
