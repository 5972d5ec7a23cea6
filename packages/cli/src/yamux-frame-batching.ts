import { Uint8ArrayList } from 'uint8arraylist'
import type { AbortOptions, StreamMuxer, StreamMuxerFactory } from '@libp2p/interface'

/** What a muxer does with its frames and its end (the muxer's own methods, replaced per instance). */
interface FrameSender {
  send: (data: Uint8Array | Uint8ArrayList) => boolean
  close: (options?: AbortOptions) => Promise<void>
  abort: (err: Error) => void
}

/**
 * A stream muxer factory whose muxers hand their frames to the connection together: every frame of one turn of
 * the event loop goes out as one encrypted message and one socket write, instead of each frame on its own.
 *
 * A fetcher's frames are nearly all tiny and come in bursts. The Go implementation's Bitswap opens a stream for
 * every message it sends, and each such stream costs the fetcher three frames of its own (the acknowledgement
 * with the receive window, the protocol negotiation's answer, and the end of its side), each of which noise seals
 * and the socket writes apart (two writes each: the length, then the sealed frame). Fetching 16 MiB in 1 KiB blocks
 * that was several thousand socket writes, each waking the peer. Gathered over a turn of the event loop (the
 * acknowledgements of every stream a read brought, the answers of the streams negotiated in the same turn, our
 * wants), they are a few.
 *
 * The frames wait at most until the loop's next check phase (`setImmediate`): long enough to gather what one
 * read and its handlers produce, well under a millisecond. Closing or aborting the muxer writes what waits first,
 * so the end of the connection still comes after everything sent on it. Back-pressure is the connection's own:
 * when the batch finds it full, the muxer's streams are told to wait for it to drain, as with any frame.
 */
export function frameBatching<Components extends unknown[]> (inner: (...components: Components) => StreamMuxerFactory): (...components: Components) => StreamMuxerFactory {
  return (...components) => {
    const factory = inner(...components)
    return {
      protocol: factory.protocol,
      createStreamMuxer: maConn => batchFrames(factory.createStreamMuxer(maConn))
    }
  }
}

/** Makes `muxer` send its frames a loop turn at a time (see `frameBatching`); a muxer of another shape is left as it is. */
export function batchFrames<Muxer extends StreamMuxer> (muxer: Muxer): Muxer {
  const sender = muxer as unknown as Partial<FrameSender>
  if (typeof sender.send !== 'function' || typeof sender.close !== 'function' || typeof sender.abort !== 'function') return muxer
  const send = sender.send.bind(muxer)
  const close = sender.close.bind(muxer)
  const abort = sender.abort.bind(muxer)
  let waiting: Uint8ArrayList | undefined
  const flush = (): void => {
    const batch = waiting
    waiting = undefined
    if (batch == null) return
    try {
      send(batch)
    } catch {
      // the connection closed meanwhile: what was waiting goes with it, as it would have on the connection
    }
  }
  sender.send = data => {
    if (waiting == null) {
      waiting = new Uint8ArrayList()
      setImmediate(flush)
    }
    waiting.append(data)
    // whether the connection can take more is learnt when the batch goes, and the streams are told then
    return true
  }
  sender.close = async options => {
    try {
      await close(options)
    } finally {
      flush()
    }
  }
  sender.abort = err => {
    abort(err)
    flush()
  }
  return muxer
}
