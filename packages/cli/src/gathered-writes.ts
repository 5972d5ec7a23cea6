import { tcp, type TCPOptions } from '@libp2p/tcp'
import type { ConnectionEncrypter, MessageStream } from '@libp2p/interface'

/**
 * The high-water mark of the command's TCP sockets, in bytes (Node's default is 64 KiB). A sealed noise message is
 * 65,537 bytes with its length, one more than Node's mark, so under it no two pieces of consecutive messages could
 * be gathered without the socket saying "full" (see `gatherWrites`): each message's tag went out with the next
 * message's length and the sealed bytes alone, two system calls per 64 KiB. At 256 KiB a gathered write carries up
 * to four whole messages. It holds no more in memory than before: the connection queues a whole muxer frame (up
 * to a stream's send window) above the socket either way; this only lets more of it be the socket's.
 */
export const SOCKET_HIGH_WATER_MARK = 256 * 1024

/** The part of Node's net.Socket that gathering needs. */
interface GatheringSocket {
  cork: () => void
  uncork: () => void
  write: (chunk: Uint8Array) => boolean
  readonly writableLength: number
  readonly writableHighWaterMark: number
}

/** What a message stream's send loop hands its transport: the chunks of one send, and what it reports back. */
type SendData = (data: Iterable<Uint8Array> & { byteLength: number }) => { sentBytes: number, canSendMore: boolean }

/** A TCP connection as the TCP transport makes it (fields read here and nowhere else). */
interface SocketConnection {
  socket?: Partial<GatheringSocket>
  sendData?: SendData
}

function gathering (socket: Partial<GatheringSocket> | undefined): socket is GatheringSocket {
  return typeof socket?.cork === 'function' && typeof socket.uncork === 'function' && typeof socket.write === 'function' &&
    typeof socket.writableLength === 'number' && typeof socket.writableHighWaterMark === 'number'
}

/**
 * Makes a TCP connection's write loop gather the pieces of each send into vectored writes. Noise seals what the
 * muxer sends into pieces (a 2-byte length, the sealed bytes and, with Node's cipher, the 16-byte tag, for every
 * 64 KiB), and the TCP transport's loop wrote every piece with a system call, and a loopback segment, of its own:
 * a crowd of 8 fetchers served 64 MiB each in 30,029 writes, 20,124 of them 16 bytes or less.
 *
 * The loop keeps the transport's contract to the byte. Pieces are gathered (the socket corked) only while what the
 * socket holds stays under its high-water mark, so a gathered write never makes the socket say "full" where
 * writing the pieces one by one would not have: a socket that says so emits 'drain' later, and that event wakes
 * every stream of the connection, whose wait for drain then stays resolved (the stream keeps its settled promise),
 * so a server's sends to a peer that stopped reading would all complete into the muxer's buffer. (Corking around
 * whole sends did exactly that: the hostile suite's deaf peers had every block taken off their wantlists.) As in
 * the transport's own loop, the first write the socket refuses ends the send and the rest waits for 'drain'.
 * A connection of another transport (no socket) is left as it is.
 */
export function gatherWrites (connection: MessageStream): void {
  const conn = connection as unknown as SocketConnection
  const socket = conn.socket
  if (!gathering(socket) || typeof conn.sendData !== 'function') return
  conn.sendData = (data) => {
    const limit = socket.writableHighWaterMark
    let sentBytes = 0
    let canSendMore = true
    let gathered = 0
    socket.cork()
    try {
      for (const chunk of data) {
        // this piece would take the socket to its mark: what is gathered leaves first, and the piece starts anew
        if (gathered > 0 && socket.writableLength + chunk.byteLength >= limit) {
          socket.uncork()
          socket.cork()
          gathered = 0
        }
        sentBytes += chunk.byteLength
        gathered += chunk.byteLength
        canSendMore = socket.write(chunk)
        if (!canSendMore) break
      }
    } finally {
      socket.uncork()
    }
    return { sentBytes, canSendMore }
  }
}

/**
 * A connection encrypter (noise) whose connections gather each send into one socket write (see `gatherWrites`):
 * the encrypter is the one part of the stack handed the raw TCP connection, before it wraps it.
 */
export function gatheredWrites<C> (encrypter: (components: C) => ConnectionEncrypter): (components: C) => ConnectionEncrypter {
  return (components) => {
    const inner = encrypter(components)
    // Everything else (the protocol name, what libp2p reads of it) stays the encrypter's own.
    const outer: ConnectionEncrypter = Object.create(inner)
    outer.secureInbound = async (connection, options) => {
      gatherWrites(connection)
      return inner.secureInbound(connection, options)
    }
    outer.secureOutbound = async (connection, options) => {
      gatherWrites(connection)
      return inner.secureOutbound(connection, options)
    }
    return outer
  }
}

/** Node's socket options as the TCP transport passes them on, with the high-water mark it does not name. */
type SocketOptions = NonNullable<TCPOptions['dialOpts']> & { highWaterMark: number }

/** The TCP transport with sockets of `SOCKET_HIGH_WATER_MARK`, dialled and accepted alike. */
export function gatheringTcp (): ReturnType<typeof tcp> {
  const sockets: SocketOptions = { highWaterMark: SOCKET_HIGH_WATER_MARK }
  return tcp({ dialOpts: sockets, listenOpts: sockets })
}
