import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer, connect, type Socket } from 'node:net'
import { describe, it } from 'node:test'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { Uint8ArrayList } from 'uint8arraylist'
import { coalescedWrites, coalesceSocketWrites } from '../src/coalesced-writes.js'
import { nodeNoiseCrypto } from '../src/noise-crypto.js'
import type { MessageStream } from '@libp2p/interface'

/** A connected pair of sockets on 127.0.0.1 and everything the accepting side receives. */
async function socketPair (): Promise<{ client: Socket, received: () => Buffer, close: () => void }> {
  const chunks: Buffer[] = []
  const server = createServer(socket => { socket.on('data', chunk => { chunks.push(chunk) }) })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  const client = connect(port, '127.0.0.1')
  await once(client, 'connect')
  return { client, received: () => Buffer.concat(chunks), close: () => { client.destroy(); server.close() } }
}

describe('coalesced socket writes', () => {
  it('writes all pieces of one send in one gathered write, in order', async () => {
    const { client, received, close } = await socketPair()
    try {
      const writes: number[] = []
      const socket = client as unknown as { _write: (...args: unknown[]) => void, _writev: (chunks: unknown[], cb: unknown) => void }
      const write = socket._write.bind(client)
      const writev = socket._writev.bind(client)
      socket._write = (...args) => { writes.push(1); write(...args) }
      socket._writev = (chunks, cb) => { writes.push(chunks.length); writev(chunks, cb) }
      const connection: { socket: Socket, sendData: (data: Uint8ArrayList) => unknown } = { socket: client, sendData: () => { throw new Error('the original write path was used') } }
      coalesceSocketWrites(connection as unknown as MessageStream)
      // a noise frame as noise hands it over: length, ciphertext, tag
      const pieces = [Uint8Array.of(0xff, 0xef), randomBytes(65519), randomBytes(16)]
      const result = connection.sendData(new Uint8ArrayList(...pieces))
      assert.equal((result as { sentBytes: number }).sentBytes, 2 + 65519 + 16)
      assert.deepEqual(writes, [3], 'one write of three pieces')
      const expected = Buffer.concat(pieces)
      for (let i = 0; i < 100 && received().byteLength < expected.byteLength; i++) await new Promise(resolve => setTimeout(resolve, 10))
      assert.deepEqual(received(), expected)
    } finally {
      close()
    }
  })

  it('leaves a connection that is not a Node socket as it is', () => {
    const sendData = (): never => { throw new Error('unused') }
    const connection = { socket: {}, sendData }
    coalesceSocketWrites(connection as unknown as MessageStream)
    assert.equal(connection.sendData, sendData)
  })

  it('carries a stream byte-exact between two nodes that both coalesce', async () => {
    const stack = (): any => ({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [coalescedWrites(noise({ crypto: nodeNoiseCrypto }))],
      streamMuxers: [yamux()]
    })
    const [a, b] = await Promise.all([createLibp2p(stack()), createLibp2p(stack())])
    try {
      const sent = randomBytes(1024 * 1024 + 7)
      const got = new Promise<Buffer>(resolve => {
        void b.handle('/test/coalesce/1', async stream => {
          const parts: Uint8Array[] = []
          for await (const chunk of stream) parts.push(chunk.subarray())
          resolve(Buffer.concat(parts))
          await stream.close()
        })
      })
      const stream = await a.dialProtocol(b.getMultiaddrs()[0], '/test/coalesce/1')
      for (let at = 0; at < sent.byteLength; at += 256 * 1024) {
        if (!stream.send(sent.subarray(at, at + 256 * 1024))) await stream.onDrain()
      }
      await stream.close()
      assert.ok((await got).equals(sent))
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
  })
})
