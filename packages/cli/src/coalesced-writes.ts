import { Socket } from 'node:net'
import type { ConnectionEncrypter, MessageStream, SecureConnectionOptions, SecuredConnection } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/** The part of a TCP connection's stream that hands bytes to its socket (libp2p's stream classes have it). */
interface SocketWriter {
  socket?: unknown
  sendData: (data: Uint8ArrayList) => { sentBytes: number, canSendMore: boolean }
}

/**
 * Makes every send of a TCP connection one write to the kernel. Noise hands the connection each frame as three
 * pieces (length, ciphertext, tag) and the TCP transport writes them one by one with Nagle off, so a 64 KiB frame
 * cost three system calls and three to four packets, each also received on the other end. Corked, all pieces of a
 * send (several frames when the muxer has several queued) go out in one gathered write, in full-sized packets.
 * The pieces are taken whole, as the socket buffers them anyway: a socket left over its mark after the write
 * still says so, and the sender waits for its drain as before. A connection that is not a Node socket is left as it is.
 */
export function coalesceSocketWrites (connection: MessageStream): void {
  const writer = connection as unknown as SocketWriter
  const socket = writer.socket
  if (!(socket instanceof Socket) || typeof writer.sendData !== 'function') return
  writer.sendData = data => {
    socket.cork()
    try {
      for (const buf of data) socket.write(buf)
    } finally {
      socket.uncork()
    }
    // Judged after the write, by what the kernel did not take: while corked every write past the mark says "full"
    return { sentBytes: data.byteLength, canSendMore: socket.writableLength < socket.writableHighWaterMark }
  }
}

/**
 * A connection encrypter (noise) whose connections write each send at once: see `coalesceSocketWrites`. The
 * encrypter is handed the raw connection before its handshake, so every frame goes through the gathered write.
 */
export function coalescedWrites<Components, Extension> (factory: (components: Components) => ConnectionEncrypter<Extension>): (components: Components) => ConnectionEncrypter<Extension> {
  return components => {
    const inner = factory(components)
    return {
      protocol: inner.protocol,
      async secureInbound (connection: MessageStream, options?: SecureConnectionOptions): Promise<SecuredConnection<Extension>> {
        coalesceSocketWrites(connection)
        return inner.secureInbound(connection, options)
      },
      async secureOutbound (connection: MessageStream, options?: SecureConnectionOptions): Promise<SecuredConnection<Extension>> {
        coalesceSocketWrites(connection)
        return inner.secureOutbound(connection, options)
      }
    }
  }
}
