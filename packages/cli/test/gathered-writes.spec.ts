import assert from 'node:assert/strict'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { gatheredWrites, gatheringTcp, SOCKET_HIGH_WATER_MARK } from '../src/gathered-writes.js'
import type { ConnectionEncrypter, Libp2p } from '@libp2p/interface'
import type { Socket } from 'node:net'

const MiB = 1024 * 1024
const PROTOCOL = '/swapwright-test/sink/1.0.0'
/** A sealed noise message of 64 KiB, with its 2-byte length. */
const SEALED = 65_537

/** What the sender's sockets handed the kernel, call by call (the pieces of each), and the writes they refused. */
interface Record { calls: number[][], refusedEmpty: number }

/** The parts of a socket the recorder wraps (Node's stream internals). */
interface Hooks {
  _write: (chunk: Buffer, encoding: BufferEncoding, cb: () => void) => void
  _writev: (chunks: Array<{ chunk: Buffer }>, cb: () => void) => void
}

/** Noise that records the socket under each connection it secures; the gathering, if any, wraps this. */
function recordingNoise (record: Record): (components: any) => ConnectionEncrypter {
  return (components) => {
    const inner = noise()(components)
    const wrap = (connection: unknown): void => {
      const socket = (connection as { socket: Socket & Hooks }).socket
      const write = socket._write.bind(socket)
      const writev = socket._writev.bind(socket)
      socket._write = (chunk, encoding, cb) => { record.calls.push([chunk.byteLength]); write(chunk, encoding, cb) }
      socket._writev = (chunks, cb) => { record.calls.push(chunks.map(c => c.chunk.byteLength)); writev(chunks, cb) }
      // a socket that says "full" while it held nothing before the write: what gathering must never cause
      const plain = socket.write.bind(socket) as (chunk: Uint8Array) => boolean
      socket.write = ((chunk: Uint8Array) => {
        const empty = socket.writableLength === 0
        const ok = plain(chunk)
        if (!ok && empty && chunk.byteLength < socket.writableHighWaterMark) record.refusedEmpty++
        return ok
      }) as typeof socket.write
    }
    const outer: ConnectionEncrypter = Object.create(inner)
    outer.secureInbound = async (connection, options) => { wrap(connection); return inner.secureInbound(connection, options) }
    outer.secureOutbound = async (connection, options) => { wrap(connection); return inner.secureOutbound(connection, options) }
    return outer
  }
}

/** Sends `data` from a sender (gathering or not) to a reader; returns what arrived and the sender's socket writes. */
async function transfer (gathered: boolean, data: Buffer, nodes: Libp2p[]): Promise<{ received: Buffer, record: Record }> {
  const record: Record = { calls: [], refusedEmpty: 0 }
  const receiver = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
  const sender = await createLibp2p({
    transports: [gathered ? gatheringTcp() : tcp()],
    connectionEncrypters: [gathered ? gatheredWrites(recordingNoise(record)) : recordingNoise(record)],
    streamMuxers: [yamux()]
  })
  nodes.push(receiver, sender)
  const received = new Promise<Buffer>(resolve => {
    void receiver.handle(PROTOCOL, async stream => {
      const chunks: Buffer[] = []
      for await (const chunk of stream) chunks.push(Buffer.from(chunk.subarray()))
      resolve(Buffer.concat(chunks))
      await stream.close()
    })
  })
  const stream = await sender.dialProtocol(receiver.getMultiaddrs()[0], PROTOCOL)
  const before = record.calls.length
  for (let at = 0; at < data.byteLength; at += MiB) {
    if (!stream.send(data.subarray(at, at + MiB))) await once(stream, 'drain')
  }
  await stream.close()
  const bytes = await received
  return { received: bytes, record: { calls: record.calls.slice(before), refusedEmpty: record.refusedEmpty } }
}

describe('gathered socket writes of a noise connection over TCP', () => {
  const nodes: Libp2p[] = []
  after(async () => { await Promise.all(nodes.map(async node => node.stop())) })

  it('sends whole sealed messages per system call, every byte in order', async () => {
    const data = randomBytes(2 * MiB)
    const { received, record } = await transfer(true, data, nodes)
    assert.ok(received.equals(data), 'the bytes arrived as sent')
    const sealed = Math.ceil(data.byteLength / (SEALED - 18))
    // one by one, each sealed message is three system calls (length, sealed bytes, tag): 96 or more here
    assert.ok(record.calls.length * 2 < sealed, `${record.calls.length} system calls for ${sealed} sealed messages`)
    assert.equal(record.calls.filter(sizes => sizes.length === 1 && sizes[0] <= 16).length, 0, 'no length or tag written alone')
    assert.ok(record.calls.every(sizes => sizes.reduce((a, b) => a + b, 0) < SOCKET_HIGH_WATER_MARK), 'no gathered write reaches the mark')
    assert.equal(record.refusedEmpty, 0, 'the socket never said "full" when it held nothing before the write')
  })

  it('writes piece by piece without it (the transport as it comes)', async () => {
    const data = randomBytes(MiB)
    const { received, record } = await transfer(false, data, nodes)
    assert.ok(received.equals(data))
    assert.ok(record.calls.length >= 3 * 16, `${record.calls.length} system calls`)
  })
})
