import type { ConnectionEncrypter, MessageStream } from '@libp2p/interface'

/** The part of a socket that corking needs (Node's net.Socket). */
interface CorkableSocket {
  cork: () => void
  uncork: () => void
  write: (chunk: Uint8Array) => boolean
  readonly writableLength: number
  readonly writableHighWaterMark: number
}

/** What a message stream's send queue hands its transport: the chunks of one send. */
type SendData = (data: Iterable<Uint8Array> & { byteLength: number }) => { sentBytes: number, canSendMore: boolean }

/** A TCP connection as the TCP transport makes it (fields read here and nowhere else). */
interface SocketConnection {
  socket?: Partial<CorkableSocket>
  sendData?: SendData
}

function corkable (socket: Partial<CorkableSocket> | undefined): socket is CorkableSocket {
  return typeof socket?.cork === 'function' && typeof socket.uncork === 'function' && typeof socket.write === 'function'
}

/**
 * Makes a TCP connection hand each send to the kernel as one write. Noise seals a frame into separate chunks
 * (its 2-byte length, then the sealed bytes, and with Node's cipher the tag on its own), and the TCP transport
 * writes every chunk with a call of its own: three or four system calls per 64 KiB frame, a quarter of them for two
 * bytes. Corked around one send, the socket passes them all to a single vectored write, copying nothing.
 *
 * Every chunk of the send is taken (the transport's own loop stops at the first refused write and requeues the
 * rest, which with corking would be every send); whether more may follow is then the socket's own measure, so
 * back-pressure is kept: the kernel refusing bytes leaves them queued in the socket, above its high-water mark,
 * and the connection waits for the socket's drain as before. A connection of another transport is left as it is.
 */
export function coalesceWrites (connection: MessageStream): void {
  const conn = connection as unknown as SocketConnection
  const socket = conn.socket
  if (!corkable(socket) || typeof conn.sendData !== 'function') return
  conn.sendData = (data) => {
    socket.cork()
    try {
      for (const chunk of data) socket.write(chunk)
    } finally {
      socket.uncork()
    }
    return { sentBytes: data.byteLength, canSendMore: socket.writableLength < socket.writableHighWaterMark }
  }
}

/**
 * A connection encrypter (noise) whose connections write each send as one socket write (see `coalesceWrites`):
 * the encrypted stream sends each sealed message to the connection in one send, so its pieces go out together.
 */
export function coalescedWrites<C> (encrypter: (components: C) => ConnectionEncrypter): (components: C) => ConnectionEncrypter {
  return (components) => {
    const inner = encrypter(components)
    // Everything else (the protocol name, tags libp2p reads) stays the encrypter's own.
    const outer: ConnectionEncrypter = Object.create(inner)
    outer.secureInbound = async (connection, options) => {
      coalesceWrites(connection)
      return inner.secureInbound(connection, options)
    }
    outer.secureOutbound = async (connection, options) => {
      coalesceWrites(connection)
      return inner.secureOutbound(connection, options)
    }
    return outer
  }
}
