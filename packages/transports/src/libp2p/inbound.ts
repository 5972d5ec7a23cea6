import { errorMessage, FrameDecoder, ProtocolViolationError } from '@swapwright/core'
import { ReadTimeoutError } from './errors.js'
import type { FrameSource, PeerIntake } from './intake.js'
import type { Logger, Stream } from '@libp2p/interface'

/** True for the errors a misbehaving peer causes (framing, decoding, a message that never finishes), not a broken stream. */
export function isProtocolViolation (err: unknown): err is ProtocolViolationError {
  return err instanceof ProtocolViolationError
}

export interface InboundReaderInit {
  /** Largest message accepted, by its length prefix. */
  maxMessageSize: number
  /** The peer's queue of messages waiting to be decoded and applied, shared by all its streams. */
  intake: PeerIntake
  /** Ms a message that has started may take to finish, given its declared length (undefined: prefix unfinished). */
  readDeadline(declaredLength: number | undefined): number
  /**
   * Bytes read that leave a message unfinished (a sign of life while a large one arrives). A chunk that held only
   * whole messages is not reported: those messages speak for themselves, and a peer's own small wantlists say
   * nothing of how it is doing with ours.
   */
  received?(bytes: number): void
  /** The peer broke the protocol (now, or in a message of this stream decoded later); the stream has been reset. */
  violation(err: Error): void
  /** Reading paused because the peer's intake was full (each pause counted once). */
  paused(): void
  log: Logger
}

/**
 * Reads one inbound stream until the peer closes it, handing over each length-prefixed message as soon as it is
 * complete. Peers keep these streams open for many messages, so stopping after the first would lose the rest.
 * A malformed or oversized message, or one that does not finish within its deadline, resets this stream only:
 * the peer's other streams and our sends to it go on. Never throws; resolves when the stream is done.
 *
 * While the peer has its limit of messages waiting to be applied, the stream is paused. Pausing matters: a
 * libp2p stream keeps granting the sender window as data arrives, whether or not anyone reads it, so a reader that
 * merely stops iterating lets the bytes pile up in memory; a paused yamux stream stops granting window, and the
 * sender stops once it has used what it had.
 */
export async function readInbound (stream: Stream, init: InboundReaderInit): Promise<void> {
  // Made only when reading pauses (most streams never do): the peer opens a stream for every message it sends,
  // and aborting an unused controller on each close made an AbortError, stack trace and all, per message.
  let ended: AbortController | undefined
  let closed = false
  const onClose = (): void => {
    closed = true
    ended?.abort()
  }
  stream.addEventListener('close', onClose, { once: true })
  let deadline: ReturnType<typeof setTimeout> | undefined
  let dead = false
  const reject = (err: Error): void => {
    if (dead) return
    dead = true
    stream.abort(err)
    init.violation(err)
  }
  // Messages are decoded when their turn comes; one found malformed then resets this stream all the same.
  const source: FrameSource = {
    get dead () { return dead },
    rejected: (err) => {
      if (isProtocolViolation(err)) reject(err)
      else init.log.error('could not decode a message: %e', err)
    }
  }
  const disarm = (): void => {
    if (deadline !== undefined) clearTimeout(deadline)
    deadline = undefined
  }
  try {
    // A message comes out as the chunks it arrived in, not joined: decoding reads blocks where they lie, and
    // copies only a block that straddles chunks, once (joining, or assembling as chunks came, copied every byte).
    const decoder = new FrameDecoder({ maxMessageSize: init.maxMessageSize })
    for await (const chunk of stream) {
      for (const bytes of decoder.push(chunk)) init.intake.push(bytes, source)
      if (decoder.inMessage) init.received?.(chunk.byteLength)
      if (dead) return
      if (init.intake.full && stream.readStatus === 'readable') {
        // Our backlog, not the peer's slowness: the deadline of a message in progress restarts after.
        disarm()
        stream.pause()
        init.paused()
        ended ??= new AbortController()
        if (closed) ended.abort()
        await init.intake.room(ended.signal)
        // The status changed while we waited (a close), which the narrowed type cannot know.
        if ((stream.readStatus as string) === 'paused') stream.resume()
      }
      if (!decoder.inMessage) {
        disarm()
      } else if (deadline === undefined) {
        const ms = init.readDeadline(decoder.declaredLength)
        deadline = setTimeout(() => {
          stream.abort(new ReadTimeoutError(ms))
        }, ms)
      }
    }
    decoder.end()
  } catch (err) {
    // A deadline that fired ends the iteration with its own ReadTimeoutError, a violation like the others.
    if (isProtocolViolation(err)) {
      reject(err)
      return
    }
    // Reset by the peer, the connection went away, or we are stopping: nothing the peer must answer for.
    init.log('inbound stream %s ended: %s', stream.id, errorMessage(err))
  } finally {
    disarm()
    stream.removeEventListener('close', onClose)
  }
}
