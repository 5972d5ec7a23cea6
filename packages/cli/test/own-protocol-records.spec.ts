import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { unfileOwnProtocols } from '../src/own-protocol-records.js'
import { collationsDuring, libp2pPair } from './libp2p-pair.js'
import type { Libp2p } from '@libp2p/interface'

const PROTOCOLS = ['/swapwright-test/a/1.0.0', '/swapwright-test/b/1.0.0', '/swapwright-test/c/1.0.0']

describe('a fetching node files no record of its own protocols', () => {
  let fetcher: Libp2p
  let server: Libp2p
  let sorts = 0

  before(async () => {
    const pair = await libp2pPair()
    server = pair.server
    fetcher = pair.fetcher
    unfileOwnProtocols(fetcher)
    // the peer store's collation sort is what the records cost at start-up: counted while the fetcher handles
    sorts = await collationsDuring(async () => {
      for (const protocol of PROTOCOLS) {
        await fetcher.handle(protocol, async stream => { await stream.close() })
      }
    })
    await server.handle(PROTOCOLS[0], async stream => { await stream.close() })
    // the fetcher listens nowhere: the server reaches it over the connection the fetcher opens
    const connected = new Promise(resolve => { server.addEventListener('connection:open', resolve, { once: true }) })
    await fetcher.dial(server.getMultiaddrs()[0])
    await connected
  })

  after(async () => {
    await fetcher?.stop()
    await server?.stop()
  })

  it('handles its protocols without sorting or filing them, and still answers on each', async () => {
    assert.equal(sorts, 0, 'the peer store sorted protocols')
    const own = await fetcher.peerStore.get(fetcher.peerId).then(peer => peer.protocols, () => [])
    assert.deepEqual(own, [])
    assert.deepEqual(fetcher.getProtocols().filter(p => PROTOCOLS.includes(p)).sort(), PROTOCOLS)
    for (const protocol of PROTOCOLS) {
      const stream = await server.getConnections(fetcher.peerId)[0].newStream(protocol)
      assert.equal(stream.protocol, protocol)
      await stream.close()
    }
  })

  it('files the protocols of other peers as before', async () => {
    const stream = await fetcher.dialProtocol(server.getMultiaddrs()[0], PROTOCOLS[0])
    await stream.close()
    assert.ok((await fetcher.peerStore.get(server.peerId)).protocols.includes(PROTOCOLS[0]))
  })
})
