import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { frameBatching } from '../src/yamux-frame-batching.js'
import type { Libp2p, StreamMuxerFactory } from '@libp2p/interface'

const PROTOCOL = '/swapwright-test/one-message/1.0.0'
/** Streams the peer opens, one message each, as the Go implementation's Bitswap sends. */
const STREAMS = 40

/** yamux whose muxers count what they hand to the connection (each a sealed message and its socket writes). */
function countingWrites (counter: { writes: number }): () => StreamMuxerFactory {
  const inner = yamux()
  return () => {
    const factory = inner()
    return {
      protocol: factory.protocol,
      createStreamMuxer: maConn => {
        const muxer = factory.createStreamMuxer(maConn) as unknown as { send: (data: unknown) => boolean }
        const send = muxer.send.bind(muxer)
        muxer.send = data => {
          counter.writes++
          return send(data)
        }
        return muxer as unknown as ReturnType<StreamMuxerFactory['createStreamMuxer']>
      }
    }
  }
}

/**
 * A receiver (batched or not) that a sender opens `STREAMS` streams to, one message on each, all at once; the
 * receiver reads each and closes its side. Returns the messages received and the receiver's writes.
 */
async function run (batched: boolean, nodes: Libp2p[]): Promise<{ received: Buffer[], writes: number }> {
  const counter = { writes: 0 }
  const stack = (muxer: () => StreamMuxerFactory): Parameters<typeof createLibp2p>[0] => ({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [muxer]
  })
  const counting = countingWrites(counter)
  const receiver = await createLibp2p(stack(batched ? frameBatching(counting) : counting))
  const sender = await createLibp2p(stack(yamux()))
  nodes.push(receiver, sender)
  const received: Buffer[] = []
  let done = (): void => {}
  const all = new Promise<void>(resolve => { done = resolve })
  await receiver.handle(PROTOCOL, async stream => {
    void stream.close().catch(() => {})
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(Buffer.from(chunk.subarray()))
    received.push(Buffer.concat(chunks))
    if (received.length === STREAMS) done()
  }, { maxInboundStreams: 2 * STREAMS })
  // streams opened before the receiver has its side of the connection up would be refused as too early
  const opened = new Promise(resolve => { receiver.addEventListener('connection:open', resolve, { once: true }) })
  await sender.dial(receiver.getMultiaddrs()[0])
  await opened
  const before = counter.writes
  const messages = Array.from({ length: STREAMS }, () => randomBytes(1000))
  await Promise.all(messages.map(async message => {
    const stream = await sender.dialProtocol(receiver.getMultiaddrs()[0], PROTOCOL)
    stream.send(message)
    await stream.close()
  }))
  await all
  const writes = counter.writes - before
  // every message, whole
  assert.deepEqual(received.map(m => m.toString('hex')).sort(), messages.map(m => m.toString('hex')).sort())
  return { received, writes }
}

describe('yamux frames batched per loop turn (a fetcher\'s muxer)', () => {
  const nodes: Libp2p[] = []
  after(async () => { await Promise.all(nodes.map(async node => node.stop())) })

  it('answers many one-message streams with every message arriving, in far fewer writes than frames', async () => {
    const plain = await run(false, nodes)
    const batched = await run(true, nodes)
    // each stream costs the receiver about three frames (acknowledgement, negotiation answer, end of its side)
    assert.ok(plain.writes >= 2 * STREAMS, `${plain.writes} frames without batching`)
    assert.ok(batched.writes * 5 < plain.writes, `${batched.writes} writes batched against ${plain.writes} frames`)
  })
})
