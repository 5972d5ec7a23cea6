import { AssemblingFrameDecoder, decodeMessage, type DecodeLimits, type DecodedMessage } from '@swapwright/core'
import type { Logger, Stream } from '@libp2p/interface'

/** Error codes (core's typed errors) that mean the peer broke the protocol, not that the stream broke. */
const PROTOCOL_VIOLATIONS = new Set([
  'ERR_MESSAGE_TOO_LARGE',
  'ERR_INVALID_LENGTH_PREFIX',
  'ERR_TRUNCATED_MESSAGE',
  'ERR_MALFORMED_MESSAGE',
  'ERR_MESSAGE_LIMIT'
])

/** True for the errors a misbehaving peer causes: framing and decoding errors, checked by code. */
export function isProtocolViolation (err: unknown): err is Error {
  return err instanceof Error && PROTOCOL_VIOLATIONS.has((err as Error & { code?: string }).code ?? '')
}

export interface InboundReaderInit {
  /** Largest message accepted, by its length prefix. */
  maxMessageSize: number
  decodeLimits: DecodeLimits
  /** A whole decoded message; `bytes` is its body's size. */
  deliver(message: DecodedMessage, bytes: number): void
  /** Bytes read, before they make a whole message (a sign of life while a large one arrives). */
  received?(bytes: number): void
  /** The peer broke the protocol; the stream has already been reset. */
  violation(err: Error): void
  log: Logger
}

/**
 * Reads one inbound stream until the peer closes it, handing over each length-prefixed message as soon as it is
 * complete. Peers keep these streams open for many messages, so stopping after the first would lose the rest.
 * A malformed or oversized message resets this stream only: the peer's other streams and our sends to it go on.
 * Never throws; resolves when the stream is done.
 */
export async function readInbound (stream: Stream, init: InboundReaderInit): Promise<void> {
  try {
    // Large messages (blocks) are assembled as their chunks arrive, so each chunk is let go of at once.
    const decoder = new AssemblingFrameDecoder({ maxMessageSize: init.maxMessageSize })
    for await (const chunk of stream) {
      init.received?.(chunk.byteLength)
      for (const bytes of decoder.push(chunk)) {
        const message = decodeMessage(bytes, init.decodeLimits)
        try {
          init.deliver(message, bytes.byteLength)
        } catch (err) {
          // Our own handler failed: the peer did nothing wrong, so its stream stays up.
          init.log.error('handler failed on a message: %e', err)
        }
      }
    }
    decoder.end()
  } catch (err) {
    if (isProtocolViolation(err)) {
      stream.abort(err)
      init.violation(err)
      return
    }
    // Reset by the peer, the connection went away, or we are stopping: nothing the peer must answer for.
    init.log('inbound stream %s ended: %s', stream.id, (err as Error).message)
  }
}
