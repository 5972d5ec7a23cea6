import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeBlocks } from './util/blocks.js'
import { Swarm } from './util/swarm.js'
import { sameBytes } from './util/swapwright-node.js'

/**
 * A session given providers that are still connecting asks them directly once they join, not by a broadcast
 * first: a broadcast WANT_HAVE reaches a provider as it connects, and for a small block (answered whole) the
 * WANT_BLOCK that follows when it joins the session brings the block a second time. Seen as one duplicate per
 * `swapwright get` when many started at once against one `serve` (their connections took longer to open).
 */
describe('client: providers still connecting', () => {
  it('a small root from a provider that joins after the first want arrives once, asked once', async () => {
    const [root, big] = [...await makeBlocks(1, 200, 401), ...await makeBlocks(1, 300_000, 402)]
    const entries: string[] = []
    const swarm = new Swarm({
      latency: 20,
      onDeliver: (from, to, message) => {
        if (from === 'fetcher' && to === 'seed') {
          for (const entry of message.wantlist?.entries ?? []) if (!entry.cancel) entries.push(`${entry.cid.equals(root.cid) ? 'root' : 'big'} ${entry.wantType}`)
        }
      }
    })
    await swarm.add('seed', { blocks: [root, big] })
    const fetcher = await swarm.add('fetcher')
    const session = fetcher.node.createSession({ providers: ['seed'] })
    assert.ok(sameBytes(await swarm.run(async () => session.getBlock(root.cid)), root.data))
    assert.ok(sameBytes(await swarm.run(async () => session.getBlock(big.cid)), big.data))
    await swarm.run(async () => swarm.clock.sleep(1000))
    assert.equal(fetcher.node.stats().client.duplicateBlocks, 0)
    assert.deepEqual(entries, ['root block', 'big block'])
    session.close()
    await swarm.stop()
  })
})
