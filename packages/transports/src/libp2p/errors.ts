import { ProtocolViolationError, SwapwrightError, type PeerKey } from '@swapwright/core'

/** A peer accepted no more bytes for the whole send timeout; its stream was reset so the next send starts over. */
export class SendTimeoutError extends SwapwrightError {
  readonly peer: PeerKey
  readonly timeout: number
  constructor (peer: PeerKey, timeout: number) {
    super('ERR_SEND_TIMEOUT', `Sending to ${peer} did not complete within ${timeout} ms`)
    this.peer = peer
    this.timeout = timeout
  }
}

/** A peer is connected but speaks none of the Bitswap protocols we offer. */
export class ProtocolNotSupportedError extends SwapwrightError {
  readonly peer: PeerKey
  constructor (peer: PeerKey, protocols: readonly string[], options?: ErrorOptions) {
    super('ERR_PROTOCOL_NOT_SUPPORTED', `Peer ${peer} speaks none of ${protocols.join(', ')}`, options)
    this.peer = peer
  }
}

/** A peer took none of our bytes for the stall timeout while a message was being written; its stream was reset. */
export class SendStalledError extends SwapwrightError {
  readonly peer: PeerKey
  readonly timeout: number
  constructor (peer: PeerKey, timeout: number) {
    super('ERR_SEND_STALLED', `${peer} took no bytes for ${timeout} ms`)
    this.peer = peer
    this.timeout = timeout
  }
}

/** A message that had started did not finish within its read deadline (a peer stalling us); the stream was reset. */
export class ReadTimeoutError extends ProtocolViolationError {
  readonly timeout: number
  constructor (timeout: number) {
    super('ERR_READ_TIMEOUT', `A message did not finish within ${timeout} ms`)
    this.timeout = timeout
  }
}
