import type { CID } from 'multiformats/cid'

/**
 * Every error Swapwright throws on purpose is a `SwapwrightError` with its own class and a stable `code`. Branch
 * with `instanceof` (the code base itself never matches codes); the `code` is for logs and for callers that
 * cannot import the class.
 */
export class SwapwrightError extends Error {
  readonly code: string

  constructor (code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** A slot of `createBitswap()` has no plugin and no default. */
export class MissingPluginError extends SwapwrightError {
  readonly slot: string
  constructor (slot: string, hint: string) {
    super('ERR_MISSING_PLUGIN', `No plugin for the "${slot}" slot: ${hint}`)
    this.slot = slot
  }
}

/** A plugin is malformed, threw while registering or resolving, or produced something that is not its role. */
export class PluginError extends SwapwrightError {
  readonly slot: string
  readonly plugin: string
  constructor (slot: string, plugin: string, problem: string, options?: ErrorOptions) {
    super('ERR_BROKEN_PLUGIN', `Plugin "${plugin}" for the "${slot}" slot ${problem}`, options)
    this.slot = slot
    this.plugin = plugin
  }
}

/**
 * A peer broke the Bitswap protocol: the parent of every framing, decoding and verification error a peer can
 * cause, so a network tells "drop this peer's stream" from "our stream broke" with one `instanceof`.
 */
export class ProtocolViolationError extends SwapwrightError {}

/** A length prefix declared more bytes than the reader accepts; nothing past the prefix was buffered. */
export class MessageTooLargeError extends ProtocolViolationError {
  readonly declared: number
  readonly limit: number
  constructor (declared: number, limit: number) {
    super('ERR_MESSAGE_TOO_LARGE', `Message of ${declared} bytes exceeds the limit of ${limit} bytes`)
    this.declared = declared
    this.limit = limit
  }
}

/** A length prefix is not a valid unsigned varint. */
export class InvalidLengthPrefixError extends ProtocolViolationError {
  constructor (message: string) {
    super('ERR_INVALID_LENGTH_PREFIX', message)
  }
}

/** The stream ended inside a length prefix or a message body. */
export class TruncatedMessageError extends ProtocolViolationError {
  constructor (message: string) {
    super('ERR_TRUNCATED_MESSAGE', message)
  }
}

/** The bytes of a message are not a valid Bitswap protobuf. */
export class MalformedMessageError extends ProtocolViolationError {
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_MALFORMED_MESSAGE', message, options)
  }
}

/** A message carried more entries of one kind than the decode limits allow. */
export class MessageLimitError extends ProtocolViolationError {
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_MESSAGE_LIMIT', message, options)
  }
}

/** One block cannot fit in a message under the hard size limit, so it can never be sent. */
export class BlockTooLargeError extends SwapwrightError {
  readonly size: number
  readonly limit: number
  constructor (size: number, limit: number) {
    super('ERR_BLOCK_TOO_LARGE', `A block that encodes to ${size} bytes cannot fit a message of at most ${limit} bytes`)
    this.size = size
    this.limit = limit
  }
}

/**
 * A CID names a hash function this node has no hasher for, so a block for it could never be verified: a want
 * for it fails at once with this error instead of waiting for a block it would have to drop.
 */
export class UnknownHashError extends SwapwrightError {
  readonly hashCode: number
  constructor (hashCode: number) {
    super('ERR_UNKNOWN_HASH', `No hasher for multihash code 0x${hashCode.toString(16)}; add one to the node's \`hashers\` option`)
    this.hashCode = hashCode
  }
}

/** A CID prefix could not be parsed. */
export class InvalidPrefixError extends ProtocolViolationError {
  constructor (message: string, options?: ErrorOptions) {
    super('ERR_INVALID_PREFIX', message, options)
  }
}

/** A block's bytes do not hash to the CID it claims, or it matches nothing we asked for. */
export class BlockVerificationError extends ProtocolViolationError {
  constructor (message: string) {
    super('ERR_BLOCK_VERIFICATION', message)
  }
}

/** An operation was cancelled through its AbortSignal. */
export class AbortError extends SwapwrightError {
  constructor (message = 'The operation was aborted', options?: ErrorOptions) {
    super('ABORT_ERR', message, options)
  }
}

/** The node was used before `start()` or after `stop()`. */
export class NotStartedError extends SwapwrightError {
  constructor (what = 'The node') {
    super('ERR_NOT_STARTED', `${what} is not started`)
  }
}

/** A part of the node was used after it was stopped (a queue, a finder): what it was asked is refused. */
export class StoppedError extends SwapwrightError {
  constructor (what = 'The node') {
    super('ERR_STOPPED', `${what} is stopped`)
  }
}

/**
 * A peer cannot be reached through the network: not connected, not dialable, or this node itself. Every
 * network throws it from `connect` and `send`, so callers can tell "try another peer" from a broken node.
 */
export class PeerUnreachableError extends SwapwrightError {
  readonly peer: string
  constructor (peer: string, why: string) {
    super('ERR_PEER_UNREACHABLE', `Peer ${peer} is unreachable: ${why}`)
    this.peer = peer
  }
}

/** A virtual-time run can make no progress: nothing is scheduled and the awaited work has not settled. */
export class StalledError extends SwapwrightError {
  constructor (message: string) {
    super('ERR_STALLED', message)
  }
}

/** The message of anything thrown: an `Error`'s message, else its string form (a throw need not be an Error). */
export function errorMessage (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * A want no connected peer can ever carry: every one speaks only Bitswap 1.0.0 (or the bare `/ipfs/bitswap`),
 * which has no way to name a CID without a CIDv0 form (a CIDv1 raw or dag-cbor block), and no provider search
 * for it is under way. Raised at once rather than at the caller's timeout; a peer that connects later can be
 * asked by wanting the block again.
 */
export class UncarriableWantError extends SwapwrightError {
  readonly cid: CID
  readonly peers: readonly string[]
  constructor (cid: CID, peers: readonly string[]) {
    super('ERR_UNCARRIABLE_WANT', `No connected peer can be asked for ${cid}: ${peers.length === 1 ? 'the only peer speaks' : `all ${peers.length} peers speak`} ` +
      `only Bitswap 1.0.0, which carries CIDv0 wants only, and no provider search found another (${peers.join(', ')})`)
    this.cid = cid
    this.peers = peers
  }
}

/**
 * Every peer of a session disconnected, dialling them again failed (within `sessionRedials`), and no provider
 * search found another. Raised to the session's callers instead of leaving them to wait for their own timeout;
 * the session ends with it. `cid` is one of the blocks still wanted, `wanted` how many were.
 */
export class PeersLostError extends SwapwrightError {
  readonly cid: CID
  readonly peers: readonly string[]
  readonly wanted: number
  constructor (cid: CID, peers: readonly string[], wanted: number) {
    const others = wanted > 1 ? ` and ${wanted - 1} other block${wanted > 2 ? 's' : ''}` : ''
    super('ERR_PEERS_LOST', `No peer left to fetch ${cid}${others} from: ${peers.length === 1 ? `peer ${peers[0]}` : `peers ${peers.join(', ')}`} ` +
      'disconnected, dialling again failed, and no provider search found another')
    this.cid = cid
    this.peers = peers
    this.wanted = wanted
  }
}
