import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { encodePrefixOf } from '@swapwright/core'
import { makeBlocks } from './util/blocks.js'
import { RawPeer } from './util/raw-peer.js'
import { Swarm } from './util/swarm.js'

/** Every want entry a raw peer received, as `cid:want-type` or `cid:cancel`. */
function entries (peer: RawPeer): string[] {
  return peer.received.flatMap(r => r.message.wantlist?.entries ?? [])
    .map(e => `${e.cid.toString()}:${e.cancel ? 'cancel' : e.wantType}`)
}

async function fetcherAndRawPeer (): Promise<{ swarm: Swarm, fetcher: Awaited<ReturnType<Swarm['add']>>, raw: RawPeer }> {
  const swarm = new Swarm({ latency: 5 })
  const fetcher = await swarm.add('fetcher')
  const raw = await RawPeer.start(swarm.net, 'raw')
  await raw.network.connect('fetcher')
  return { swarm, fetcher, raw }
}

describe('client: what goes on the wire', () => {
  it('a block that arrives cancels the want at every other peer asked, and not at the peer that sent it', async () => {
    const blocks = await makeBlocks(4, 4000, 62)
    const swarm = new Swarm({ latency: 5 })
    const fetcher = await swarm.add('fetcher')
    const raws = [await RawPeer.start(swarm.net, 'raw-a'), await RawPeer.start(swarm.net, 'raw-b')]
    for (const raw of raws) await raw.network.connect('fetcher')
    const session = fetcher.node.createSession({ providers: ['raw-a', 'raw-b'] })
    // The first blocks teach the session that its blocks are large, so the last one's WANT_HAVE goes out too.
    for (const block of blocks) {
      const before = raws.map(raw => entries(raw).length)
      const wanting = session.getBlock(block.cid)
      await swarm.clock.advance(50)
      const sender = raws.find(raw => entries(raw).includes(`${block.cid}:block`))
      assert.ok(sender != null)
      await sender.send('fetcher', { blocks: [{ prefix: encodePrefixOf(block.cid), data: block.data }] })
      await swarm.clock.advance(50)
      await wanting
      if (block !== blocks[blocks.length - 1]) continue
      const other = raws.find(raw => raw !== sender) as RawPeer
      assert.deepEqual(entries(sender).slice(before[raws.indexOf(sender)]), [`${block.cid}:block`], 'the sender dropped the want when it sent the block')
      assert.deepEqual(entries(other).slice(before[raws.indexOf(other)]), [`${block.cid}:have`, `${block.cid}:cancel`])
    }
    session.close()
    await swarm.stop()
  })

  it('aborting a want sends CANCEL to the peer that was asked', async () => {
    const [block] = await makeBlocks(1, 100, 61)
    const { swarm, fetcher, raw } = await fetcherAndRawPeer()
    const controller = new AbortController()
    const wanting = fetcher.node.want(block.cid, { signal: controller.signal })
    await swarm.clock.advance(50)
    assert.deepEqual(entries(raw), [`${block.cid}:have`], 'the want reached the peer')
    controller.abort()
    await assert.rejects(wanting, { name: 'AbortError' })
    await swarm.clock.advance(50)
    assert.deepEqual(entries(raw), [`${block.cid}:have`, `${block.cid}:cancel`])
    assert.deepEqual(fetcher.node.getWantlist(), [])
    await swarm.stop()
  })

  it('two sessions wanting one CID send one wire want; closing one keeps it, closing both cancels it', async () => {
    const [block] = await makeBlocks(1, 100, 62)
    const { swarm, fetcher, raw } = await fetcherAndRawPeer()
    const one = fetcher.node.createSession()
    const two = fetcher.node.createSession()
    const a = one.getBlock(block.cid).catch(() => 'closed')
    const b = two.getBlock(block.cid).catch(() => 'closed')
    await swarm.clock.advance(50)
    assert.deepEqual(entries(raw), [`${block.cid}:have`])
    one.close()
    await swarm.clock.advance(50)
    assert.deepEqual(entries(raw), [`${block.cid}:have`], 'the other session still wants it')
    assert.equal(fetcher.node.getWantlist().length, 1)
    two.close()
    await swarm.clock.advance(50)
    assert.deepEqual(entries(raw), [`${block.cid}:have`, `${block.cid}:cancel`])
    assert.deepEqual(await Promise.all([a, b]), ['closed', 'closed'])
    await swarm.stop()
  })

  it('does not store a block nobody wanted, nor one whose bytes do not match the wanted CID', async () => {
    const [wanted, other] = await makeBlocks(2, 300, 63)
    const { swarm, fetcher, raw } = await fetcherAndRawPeer()
    const controller = new AbortController()
    const wanting = fetcher.node.want(wanted.cid, { signal: controller.signal }).catch(err => err)
    await swarm.clock.advance(20)
    // Unsolicited block, and a forgery: the wanted CID's prefix with other bytes.
    await raw.send('fetcher', { blocks: [{ prefix: encodePrefixOf(other.cid), data: other.data }] })
    await raw.send('fetcher', { blocks: [{ prefix: encodePrefixOf(wanted.cid), data: other.data.slice(0, 200) }] })
    await swarm.clock.advance(20)
    assert.equal(await fetcher.store.has(other.cid), false)
    assert.equal(await fetcher.store.has(wanted.cid), false)
    assert.equal(fetcher.node.stats().client.unwantedBlocks, 2)
    assert.equal(fetcher.node.stats().client.blocksReceived, 0)
    assert.equal(fetcher.node.getWantlist().length, 1, 'the real want is still open')
    // The genuine block is then accepted.
    await raw.send('fetcher', { blocks: [{ prefix: encodePrefixOf(wanted.cid), data: wanted.data }] })
    assert.deepEqual(await swarm.run(async () => wanting), wanted.data)
    assert.equal(await fetcher.store.has(wanted.cid), true)
    controller.abort()
    await swarm.stop()
  })

  it('asks a peer that connects later for what it is still looking for', async () => {
    const [block] = await makeBlocks(1, 100, 64)
    const swarm = new Swarm({ latency: 5 })
    const fetcher = await swarm.add('fetcher')
    const controller = new AbortController()
    const wanting = fetcher.node.want(block.cid, { signal: controller.signal }).catch(() => undefined)
    await swarm.clock.advance(20)
    const late = await RawPeer.start(swarm.net, 'late')
    await late.network.connect('fetcher')
    await swarm.clock.advance(20)
    assert.deepEqual(entries(late), [`${block.cid}:have`])
    controller.abort()
    await wanting
    await swarm.stop()
  })
})
