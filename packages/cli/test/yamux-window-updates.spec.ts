import assert from 'node:assert/strict'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { YamuxStream } from '@libp2p/yamux/stream'
import { createLibp2p } from 'libp2p'
import { installHalfWindowUpdates } from '../src/yamux-window-updates.js'
import type { Libp2p } from '@libp2p/interface'

const MiB = 1024 * 1024
const PROTOCOL = '/swapwright-test/sink/1.0.0'
/** The fetcher's window in this test: the data is four of them, so updates in halves are about eight. */
const WINDOW = 2 * MiB
const DATA = 4 * WINDOW

describe('yamux window updates of a fetching process', () => {
  let receiver: Libp2p
  let sender: Libp2p
  let received: Promise<Buffer>
  let updates = 0
  const handleWindowUpdate = Object.getOwnPropertyDescriptor(YamuxStream.prototype, 'handleWindowUpdate')

  before(async () => {
    installHalfWindowUpdates()
    // the sender's streams count the window updates they are given
    const original = YamuxStream.prototype.handleWindowUpdate
    YamuxStream.prototype.handleWindowUpdate = function (frame) {
      updates++
      original.call(this, frame)
    }
    const stack = (window?: number): Parameters<typeof createLibp2p>[0] => ({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux(window == null ? {} : { streamOptions: { maxStreamWindowSize: window } })]
    })
    receiver = await createLibp2p(stack(WINDOW))
    sender = await createLibp2p(stack())
    received = new Promise(resolve => {
      void receiver.handle(PROTOCOL, async stream => {
        const chunks: Buffer[] = []
        for await (const chunk of stream) chunks.push(Buffer.from(chunk.subarray()))
        resolve(Buffer.concat(chunks))
        await stream.close()
      })
    })
  })

  after(async () => {
    if (handleWindowUpdate != null) Object.defineProperty(YamuxStream.prototype, 'handleWindowUpdate', handleWindowUpdate)
    await sender?.stop()
    await receiver?.stop()
  })

  it('gives the window back in halves, opened to the whole window at once, and every byte arrives', async () => {
    const stream = await sender.dialProtocol(receiver.getMultiaddrs()[0], PROTOCOL)
    const data = randomBytes(DATA)
    // in 64 KiB pieces, the muxer's largest frame: a window update per frame would be 128 of them
    for (let at = 0; at < DATA; at += 64 * 1024) {
      if (!stream.send(data.subarray(at, at + 64 * 1024))) await once(stream, 'drain')
    }
    await stream.close()
    assert.deepEqual(await received, data)
    // the acknowledgement that opens the window, one per half window used, and the receiver's end of the stream
    // (a window update frame too)
    assert.ok(updates <= 1 + DATA / (WINDOW / 2) + 1, `${updates} window updates for ${DATA / MiB} MiB`)
  })
})
