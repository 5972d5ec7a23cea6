import assert from 'node:assert/strict'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { coalescedWrites } from '../src/coalesced-writes.js'
import { receiveAll } from './sink.js'
import type { ConnectionEncrypter, Libp2p } from '@libp2p/interface'
import type { Socket } from 'node:net'

const MiB = 1024 * 1024
const PROTOCOL = '/swapwright-test/sink/1.0.0'
/** A noise length prefix: the bytes of a sealed frame's length, alone. */
const PREFIX = 2

/** What the socket of each secured connection handed to the kernel, write by write (chunk sizes of each). */
type Writes = number[][]

/** A socket's two write hooks (Node's stream API), which the recorder wraps. */
interface WriteHooks {
  _write: (chunk: Buffer, encoding: BufferEncoding, cb: () => void) => void
  _writev: (chunks: Array<{ chunk: Buffer }>, cb: () => void) => void
}

/** Noise, recording the writes of the TCP socket under every connection it secures. */
function recordingNoise (writes: Writes): (components: any) => ConnectionEncrypter {
  return (components) => {
    const inner = noise()(components)
    const record = (connection: unknown): void => {
      const socket = (connection as { socket: Socket & WriteHooks }).socket
      const write = socket._write.bind(socket)
      const writev = socket._writev.bind(socket)
      socket._write = (chunk, encoding, cb) => { writes.push([chunk.byteLength]); write(chunk, encoding, cb) }
      socket._writev = (chunks, cb) => { writes.push(chunks.map(c => c.chunk.byteLength)); writev(chunks, cb) }
    }
    const outer: ConnectionEncrypter = Object.create(inner)
    outer.secureInbound = async (connection, options) => { record(connection); return inner.secureInbound(connection, options) }
    outer.secureOutbound = async (connection, options) => { record(connection); return inner.secureOutbound(connection, options) }
    return outer
  }
}

describe('coalesced writes of a noise connection over TCP', () => {
  let receiver: Libp2p
  let sender: Libp2p
  let received: Promise<Buffer>
  const writes: Writes = []

  before(async () => {
    const stack = (encrypter: (components: any) => ConnectionEncrypter): Parameters<typeof createLibp2p>[0] => ({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [encrypter],
      streamMuxers: [yamux()]
    })
    receiver = await createLibp2p(stack(noise()))
    // the recorder sits under the coalescing, so it sees the socket as the coalescing leaves it
    sender = await createLibp2p(stack(coalescedWrites(recordingNoise(writes))))
    received = receiveAll(receiver, PROTOCOL)
  })

  after(async () => {
    await sender?.stop()
    await receiver?.stop()
  })

  it('writes each sealed frame with its length in one socket write, and every byte arrives in order', async () => {
    const stream = await sender.dialProtocol(receiver.getMultiaddrs()[0], PROTOCOL)
    const sentBefore = writes.length
    const data = randomBytes(2 * MiB)
    for (let at = 0; at < data.byteLength; at += 256 * 1024) {
      if (!stream.send(data.subarray(at, at + 256 * 1024))) await once(stream, 'drain')
    }
    await stream.close()
    assert.deepEqual(await received, data)
    const transfer = writes.slice(sentBefore)
    // a length alone in a write of its own is what the transport does uncorked: prefix, sealed bytes, tag
    assert.equal(transfer.filter(sizes => sizes.length === 1 && sizes[0] === PREFIX).length, 0, `writes: ${JSON.stringify(transfer.slice(0, 8))}`)
    // 2 MiB is 33 or more sealed frames: without coalescing, three or more writes each
    assert.ok(transfer.length < 33, `${transfer.length} socket writes for 2 MiB`)
  })
})
