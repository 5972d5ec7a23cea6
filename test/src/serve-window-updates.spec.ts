import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { openRepo } from '@swapwright/cli'
import { BITSWAP_PROTOCOLS, decodeMessage, readFrames } from '@swapwright/core'
import { YamuxStream } from '@libp2p/yamux/stream'
import { createLibp2p } from 'libp2p'
import { openBitswap, unknownCids, wantFrame, write } from './hostile/attackers.js'
import { makeBlocks } from './util/blocks.js'
import { startServe } from './util/cli-process.js'
import { loopbackStack, until } from './util/libp2p-node.js'

/** Messages the peer sends on its one stream, each a frame of its own, as a Go peer's small wants come. */
const MESSAGES = 16

/*
 * `serve` gives a stream's receive window back in halves: a peer that sends many small messages gets no window update
 * for each of them (each one a sealed message and socket writes of the server's), seen from the peer over real libp2p.
 */
describe('serve: window updates to a peer sending small messages', () => {
  let dir: string
  const handleWindowUpdate = Object.getOwnPropertyDescriptor(YamuxStream.prototype, 'handleWindowUpdate')
  let updates = 0

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swapwright-serve-window-'))
    // the peer's own streams (it opens one, the server's replies come on streams the server opens) count the
    // window updates the server gives them
    const original = YamuxStream.prototype.handleWindowUpdate
    YamuxStream.prototype.handleWindowUpdate = function (this: YamuxStream, frame) {
      if (this.direction === 'outbound') updates++
      original.call(this, frame)
    }
  })
  after(async () => {
    if (handleWindowUpdate != null) Object.defineProperty(YamuxStream.prototype, 'handleWindowUpdate', handleWindowUpdate)
    await rm(dir, { recursive: true, force: true })
  })

  it(`${MESSAGES} wants in frames of their own are answered without a window update each`, async () => {
    const [block] = await makeBlocks(1, 1024, 91)
    const repo = await openRepo(join(dir, 'repo'))
    await repo.blockstore.put(block.cid, block.data)
    await repo.close()
    const { server, address } = await startServe(['--repo', join(dir, 'repo')], dir)
    const peer = await createLibp2p(loopbackStack())
    let blocks = 0
    await peer.handle([...BITSWAP_PROTOCOLS], stream => {
      void (async () => {
        for await (const bytes of readFrames(stream)) blocks += decodeMessage(bytes).blocks.length
      })().catch(() => {})
    })
    try {
      const stream = await openBitswap(peer, [multiaddr(address)])
      // wants the server cannot answer (and is not asked to say so), then the block: the server applies a
      // stream's messages in order, so once the block is here every earlier frame has been read
      for (const cid of unknownCids(MESSAGES - 1, 5)) await write(stream, wantFrame([cid], { wantType: 'have' }))
      await write(stream, wantFrame([block.cid]))
      await until(() => blocks === 1, 'the block')
      // the acknowledgement that opened the stream; a window update per frame would be MESSAGES more
      assert.ok(updates <= 2, `${updates} window updates for ${MESSAGES} small messages`)
    } finally {
      await peer.stop()
      await server.stop()
    }
  })
})
