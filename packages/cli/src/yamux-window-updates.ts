import { StreamState, YamuxStream } from '@libp2p/yamux/stream'

/** The part of a yamux stream's receive window that may be used up before the stream gives it back. */
export const WINDOW_UPDATE_AT = 0.5

/** A yamux stream's receive window, as the muxer keeps it (private fields, read here and nowhere else). */
interface ReceiveWindow {
  state: StreamState
  recvWindow: number
  recvWindowCapacity: number
  maxStreamWindowSize: number
  /** 'closed' once the peer has said it sends nothing more on the stream. */
  remoteWriteStatus: string
  sendWindowUpdate: () => void
}

let installed = false

/**
 * Makes every yamux stream of this process (a fetcher's, or a server's) give its receive window back in halves rather than frame
 * by frame, and open it to the muxer's largest window (`maxStreamWindowSize`) at its first update.
 *
 * The muxer answers every data frame it receives with a window update: a 12-byte frame that noise seals and the
 * socket writes on its own (two writes: the length, then the sealed frame). A get of 128 MiB from a peer sending
 * 64 KiB frames made 2,048 of them, more than 5,000 socket writes, about a tenth of the fetcher's busy time in
 * its profile. None of them lets the sender go faster: credit is only needed before the window runs out. Here an
 * established stream sends its update once half its window is used (the rule the Go implementation follows), so
 * the sender always holds the other half.
 *
 * The window itself starts at the protocol's 256 KiB on both sides, whatever the muxer is configured with (a
 * larger initial size is never announced to the peer), and the muxer grows it only after a round trip it has
 * measured, which on these connections it never has: at 256 KiB a peer sending megabyte blocks would wait for
 * credit every quarter megabyte. The first update therefore gives the whole configured window at once; the peer
 * learns it from that update's size, so both sides agree on the credit at every moment.
 *
 * The Go implementation's Bitswap opens a stream for each message it sends: the acknowledgement of such a stream,
 * its first update, carries the whole window, so a block of a megabyte or two costs that one update (and none
 * follows the peer's end of the stream). A paused stream is the muxer's own, unchanged. Installed once, for the whole process; a muxer whose streams no longer
 * have this shape is left as it is.
 */
export function installHalfWindowUpdates (): void {
  if (installed) return
  installed = true
  const proto = YamuxStream.prototype as unknown as Partial<ReceiveWindow>
  const send = proto.sendWindowUpdate
  if (typeof send !== 'function') return
  proto.sendWindowUpdate = function (this: ReceiveWindow): void {
    // a stream the peer opened acknowledges it with its first update: that one carries the whole window too
    if (this.state === StreamState.Established || this.state === StreamState.SYNReceived) {
      if (this.recvWindow < this.maxStreamWindowSize) this.recvWindow = this.maxStreamWindowSize
    }
    if (this.state === StreamState.Established) {
      // a peer that has finished sending needs no more credit
      if (this.remoteWriteStatus === 'closed' || this.recvWindowCapacity > this.recvWindow * (1 - WINDOW_UPDATE_AT)) return
    }
    send.call(this)
  }
}
