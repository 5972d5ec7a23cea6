import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { libp2pNetwork } from '@swapwright/transports'
import { nodeParts } from '@swapwright/core/internal'
import { makeBlocks } from './util/blocks.js'
import { until } from './util/libp2p-node.js'
import { startSwapwright } from './util/swapwright-node.js'
import { deafNode, openBitswap, wantFrame, write } from './hostile/attackers.js'

describe('server: a peer that stops reading, over real libp2p', () => {
  it('resets the stalled stream after the send timeout and drops the peer\'s queued tasks', async () => {
    const blocks = await makeBlocks(24, 256 * 1024, 95)
    const server = await startSwapwright({ blocks, network: (libp2p) => libp2pNetwork(libp2p, { sendTimeout: 500 }) })
    const deaf = await deafNode()
    try {
      const stream = await openBitswap(deaf, server.libp2p.getMultiaddrs())
      await write(stream, wantFrame(blocks.map(b => b.cid)))
      const key = deaf.peerId.toString()
      await until(() => (server.network.stats(key)?.sendsStalled ?? 0) > 0)
      await until(() => server.node.stats().server.tasksDropped > 0)
      const stats = server.node.stats().server
      assert.ok(stats.failedSends > 0)
      // The peer keeps the wants not yet answered (it may ask again), but nothing waits in its queue any more.
      const peer = nodeParts(server.node).server.peerStats(key)
      assert.equal(peer?.pendingTasks, 0)
      assert.ok((peer?.wantlistSize ?? 0) > 0)
    } finally {
      await deaf.stop()
      await server.stop()
    }
  })
})
