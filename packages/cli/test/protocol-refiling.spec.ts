import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { skipRefiledProtocols, type RefiledProtocols } from '../src/protocol-refiling.js'
import { collationsDuring, libp2pPair } from './libp2p-pair.js'
import type { Connection, Libp2p } from '@libp2p/interface'

const A = '/swapwright-test/a/1.0.0'
const B = '/swapwright-test/b/1.0.0'

describe('a protocol filed for a peer a moment ago is not filed again for each of its streams', () => {
  let fetcher: Libp2p
  let server: Libp2p
  let handled = 0
  let clock = 0
  let connection: Connection
  let remembered: RefiledProtocols

  before(async () => {
    const pair = await libp2pPair()
    server = pair.server
    fetcher = pair.fetcher
    // both ends: libp2p files the protocol of outbound streams as well
    remembered = skipRefiledProtocols(server, () => clock)
    skipRefiledProtocols(fetcher, () => clock)
    for (const protocol of [A, B]) {
      await server.handle(protocol, async stream => {
        handled++
        await stream.close()
      })
    }
    // one connection, so the streams' filing is all the stores do while they are counted
    connection = await fetcher.dial(server.getMultiaddrs()[0])
  })

  after(async () => {
    await fetcher?.stop()
    await server?.stop()
  })

  /** Opens a stream to the server per protocol, one at a time, and counts the collations both stores did meanwhile. */
  async function sortsFor (protocols: string[]): Promise<number> {
    // filing a record sorts its protocols (two here, so each filing compares): the store's work, counted
    return collationsDuring(async () => {
      for (const protocol of protocols) {
        const seen = handled
        const stream = await connection.newStream(protocol)
        while (handled === seen) await new Promise(resolve => setTimeout(resolve, 5))
        await stream.close()
      }
    })
  }

  it('files each protocol once, again after any other write of the record, and again after the interval', async () => {
    assert.ok(await sortsFor([A, B]) > 0, 'the first streams file their protocols')
    assert.equal(await sortsFor([A, B, A, B, A]), 0, 'streams of protocols just filed filed them again')
    assert.deepEqual((await server.peerStore.get(fetcher.peerId)).protocols.filter(p => p === A || p === B).sort(), [A, B])
    await server.peerStore.merge(fetcher.peerId, { metadata: { note: new Uint8Array([1]) } })
    await fetcher.peerStore.merge(server.peerId, { metadata: { note: new Uint8Array([1]) } })
    assert.ok(await sortsFor([A]) > 0, 'a stream after another write of the record did not file its protocol')
    assert.equal(await sortsFor([A]), 0)
    clock += 1000
    assert.ok(await sortsFor([A]) > 0, 'a protocol filed a whole interval ago was not filed again')
  })

  it('forgets what it filed for a peer once the peer is gone', async () => {
    assert.equal(await sortsFor([A]), 0, 'the protocol was filed a moment ago')
    // the server's own record counts too: libp2p files the protocols it handles under its own id
    const before = remembered.peers
    const gone = new Promise(resolve => { server.addEventListener('peer:disconnect', resolve, { once: true }) })
    await fetcher.hangUp(server.peerId)
    await gone
    assert.equal(remembered.peers, before - 1, 'a peer that is gone is still remembered')
    connection = await fetcher.dial(server.getMultiaddrs()[0])
    assert.ok(await sortsFor([A]) > 0, 'a peer that came back within the interval was taken as filed')
  })
})
