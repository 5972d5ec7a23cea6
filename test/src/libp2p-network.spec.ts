import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import {
  BITSWAP_PROTOCOLS, blockstorePlugin, MalformedMessageError, MessageLimitError, MessageTooLargeError, NotStartedError,
  PeerUnreachableError, ProtocolViolationError, cidOfBlock, HasherRegistry, createBitswap, decodeMessage, encodeMessage,
  encodePrefixOf, frame, readFrames, type Bitswap, type BitswapMessage, type DecodedMessage, type NetworkHandler,
  type PeerKey, type ProtocolVersion
} from '@swapwright/core'
import { nodeParts } from '@swapwright/core/internal'
import { MemoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import {
  Libp2pBitswapNetwork, libp2pNetwork, ProtocolNotSupportedError, SendTimeoutError, type Libp2pNetworkInit
} from '@swapwright/transports'
import { makeBlocks, makeV0Blocks, type TestBlock } from './util/blocks.js'
import { addressesOf, closed, createNode, dialNode, stopNodes, streamsTo, until, within, type TestNode } from './util/libp2p-node.js'
import type { Stream } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { varint } from './util/varint.js'

/** The hashers the raw checks verify received blocks with. */
const hashers = new HasherRegistry()

/** Every event a network reported, with a way to wait for the next ones. */
class Recorder implements NetworkHandler {
  readonly messages: Array<{ peer: PeerKey, message: DecodedMessage, bytes: number }> = []
  readonly connected: Array<{ peer: PeerKey, version: ProtocolVersion }> = []
  readonly disconnected: PeerKey[] = []
  readonly errors: Array<{ peer: PeerKey, error: Error & { code?: string } }> = []
  private waiters: Array<() => void> = []

  onMessage (peer: PeerKey, message: DecodedMessage, bytes: number): void {
    this.messages.push({ peer, message, bytes })
    this.wake()
  }

  onPeerConnected (peer: PeerKey, version: ProtocolVersion): void {
    this.connected.push({ peer, version })
    this.wake()
  }

  onPeerDisconnected (peer: PeerKey): void {
    this.disconnected.push(peer)
    this.wake()
  }

  onProtocolError (peer: PeerKey, error: Error): void {
    this.errors.push({ peer, error })
    this.wake()
  }

  /** Resolves once `condition` holds, re-checking after every event; fails as `within` says if it never does. */
  async waitFor (condition: () => boolean): Promise<void> {
    await within((async () => {
      while (!condition()) await new Promise<void>(resolve => { this.waiters.push(resolve) })
    })(), 'the events the test awaits')
  }

  from (peer: PeerKey): DecodedMessage[] {
    return this.messages.filter(m => m.peer === peer).map(m => m.message)
  }

  private wake (): void {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }
}

interface Peer {
  node: TestNode
  network: Libp2pBitswapNetwork
  events: Recorder
  self: PeerKey
}

/** A started node with a started Bitswap network; both are stopped when the test ends, pass or fail. */
async function peer (t: TestContext, init?: Libp2pNetworkInit): Promise<Peer> {
  const node = await createNode()
  const network = new Libp2pBitswapNetwork(node, init)
  const events = new Recorder()
  t.after(async () => {
    await network.stop()
    await stopNodes(node)
  })
  await network.start(events)
  return { node, network, events, self: network.self }
}

/** A libp2p node with no Bitswap network: a peer that writes raw bytes. */
async function rawNode (t: TestContext): Promise<TestNode> {
  const node = await createNode()
  t.after(async () => { await stopNodes(node) })
  return node
}

function message (parts: Partial<BitswapMessage>): BitswapMessage {
  return { blocks: [], presences: [], pendingBytes: 0, ...parts }
}

function wants (cids: CID[], entry: Partial<{ wantType: 'block' | 'have', sendDontHave: boolean }> = {}): BitswapMessage {
  return message({
    wantlist: {
      full: false,
      entries: cids.map(cid => ({ cid, priority: 1, cancel: false, wantType: 'block' as const, sendDontHave: false, ...entry }))
    }
  })
}

function carrying (blocks: TestBlock[]): BitswapMessage {
  return message({ blocks: blocks.map(b => ({ prefix: encodePrefixOf(b.cid), data: b.data })) })
}

/** Dial addresses without the /p2p part, as a routing system may hand them out. */
function bareAddresses (node: TestNode): string[] {
  return node.getMultiaddrs().map(ma => ma.decapsulateCode(421).toString())
}

/** Byte-for-byte equality, whatever the views' classes (decoded bytes may be Buffers). */
function sameBytes (actual: Uint8Array | undefined, expected: Uint8Array): boolean {
  return actual != null && Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(expected)
}

/** Resolves once `node` has stored the protocols identify reported for `other`; gives up as `within` does. */
async function identified (node: TestNode, other: TestNode): Promise<void> {
  let waiting = true
  await within((async () => {
    // Stops polling once `within` gave up, so no timer outlives the test.
    while (waiting) {
      const known = await node.peerStore.get(other.peerId).catch(() => undefined)
      if ((known?.protocols.length ?? 0) > 0) return
      await new Promise(resolve => setTimeout(resolve, 5))
    }
  })(), `identify to report ${other.peerId.toString()}'s protocols`).finally(() => { waiting = false })
}

async function rawStream (from: TestNode, to: Peer, protocol = '/ipfs/bitswap/1.2.0'): Promise<Stream> {
  await from.dial(to.node.getMultiaddrs())
  return from.dialProtocol(to.node.peerId, protocol)
}

describe('libp2p network: real nodes over TCP on 127.0.0.1', { timeout: 60_000 }, () => {
  it('negotiates and exchanges messages on every protocol version', async (t) => {
    const sender = await peer(t)
    const [v0] = await makeV0Blocks(1, 500, 81)
    for (const protocol of BITSWAP_PROTOCOLS) {
      const receiver = await peer(t, { protocols: [protocol] })
      const expected = protocol === '/ipfs/bitswap' ? '1.0.0' : protocol.slice('/ipfs/bitswap/'.length)
      const version = await sender.network.connect({ peer: receiver.self, addresses: bareAddresses(receiver.node) })
      assert.equal(version, expected, protocol)
      assert.equal(sender.network.version(receiver.self), expected)
      assert.deepEqual(streamsTo(sender.node, receiver.node, 'outbound').map(s => s.protocol), [protocol])

      await sender.network.send(receiver.self, { ...wants([v0.cid]), blocks: carrying([v0]).blocks })
      await receiver.events.waitFor(() => receiver.events.messages.length === 1)
      const [got] = receiver.events.from(sender.self)
      assert.equal(got.wantlist?.entries[0].cid.toString(), v0.cid.toString(), protocol)
      assert.equal(got.blocks.length, 1)
      assert.ok(sameBytes(got.blocks[0].data, v0.data), protocol)
      assert.equal((await cidOfBlock(got.blocks[0], hashers)).toString(), v0.cid.toString())
      assert.deepEqual(receiver.events.connected, [{ peer: sender.self, version: expected }])
    }
  })

  it('downgrades what a 1.1.0 peer cannot understand, and only for that peer', async (t) => {
    const sender = await peer(t)
    const old = await peer(t, { protocols: ['/ipfs/bitswap/1.1.0'] })
    const current = await peer(t)
    const [a, b] = await makeBlocks(2, 100, 82)
    const rich = message({
      wantlist: { full: false, entries: [{ cid: a.cid, priority: 5, cancel: false, wantType: 'have', sendDontHave: true }] },
      presences: [{ cid: b.cid, type: 'have' }],
      pendingBytes: 1000
    })
    for (const receiver of [old, current]) {
      await sender.network.connect({ peer: receiver.self, addresses: addressesOf(receiver.node) })
      await sender.network.send(receiver.self, rich)
      await receiver.events.waitFor(() => receiver.events.messages.length === 1)
    }
    const [downgraded] = old.events.from(sender.self)
    assert.deepEqual(downgraded.wantlist?.entries.map(e => [e.cid.toString(), e.wantType, e.sendDontHave]), [[a.cid.toString(), 'block', false]])
    assert.deepEqual(downgraded.presences, [])
    assert.equal(downgraded.pendingBytes, 0)

    const [intact] = current.events.from(sender.self)
    assert.deepEqual(intact.wantlist?.entries.map(e => [e.cid.toString(), e.wantType, e.sendDontHave]), [[a.cid.toString(), 'have', true]])
    assert.deepEqual(intact.presences.map(p => [p.cid.toString(), p.type]), [[b.cid.toString(), 'have']])
    assert.equal(intact.pendingBytes, 1000)
  })

  it('sends many messages in order over one reused outbound stream', async (t) => {
    const sender = await peer(t)
    const receiver = await peer(t)
    await sender.network.connect({ peer: receiver.self, addresses: addressesOf(receiver.node) })
    const cids = (await makeBlocks(300, 8, 83)).map(b => b.cid)
    // 200 one after the other, then 100 started together without waiting.
    for (const cid of cids.slice(0, 200)) await sender.network.send(receiver.self, wants([cid]))
    await Promise.all(cids.slice(200).map(async cid => { await sender.network.send(receiver.self, wants([cid])) }))
    await receiver.events.waitFor(() => receiver.events.messages.length === cids.length)

    const order = receiver.events.from(sender.self).map(m => m.wantlist?.entries[0].cid.toString())
    assert.deepEqual(order, cids.map(String))
    assert.equal(sender.network.stats(receiver.self)?.streamsOpened, 1)
    assert.equal(sender.network.stats(receiver.self)?.messagesSent, 300)
    assert.equal(receiver.network.stats(sender.self)?.streamsAccepted, 1)
    assert.equal(receiver.network.stats(sender.self)?.messagesReceived, 300)
    assert.equal(streamsTo(sender.node, receiver.node, 'outbound').length, 1, 'libp2p sees one Bitswap stream')
  })

  it('replaces an outbound stream left unused for maxOutboundIdle, before a peer could reset it', async (t) => {
    const sender = await peer(t, { maxOutboundIdle: 300 })
    const receiver = await peer(t)
    await sender.network.connect({ peer: receiver.self, addresses: addressesOf(receiver.node) })
    const cids = (await makeBlocks(3, 8, 85)).map(b => b.cid)
    await sender.network.send(receiver.self, wants([cids[0]]))
    await sender.network.send(receiver.self, wants([cids[1]]))
    assert.equal(sender.network.stats(receiver.self)?.streamsOpened, 1, 'busy: one stream')
    const [first] = streamsTo(sender.node, receiver.node, 'outbound')
    await new Promise(resolve => setTimeout(resolve, 400))
    await sender.network.send(receiver.self, wants([cids[2]]))
    await receiver.events.waitFor(() => receiver.events.messages.length === 3)
    assert.deepEqual(receiver.events.from(sender.self).map(m => m.wantlist?.entries[0].cid.toString()), cids.map(String))
    assert.equal(sender.network.stats(receiver.self)?.streamsOpened, 2, 'after the pause: a fresh stream')
    await closed(first)
    assert.equal(first.status, 'closed', 'the idle stream was closed gently, not reset')
    assert.equal(streamsTo(sender.node, receiver.node, 'outbound').length, 1)
  })

  it('delivers a 2 MiB block intact', async (t) => {
    const sender = await peer(t)
    const receiver = await peer(t)
    await sender.network.connect({ peer: receiver.self, addresses: addressesOf(receiver.node) })
    const [big] = await makeBlocks(1, 2 * 1024 * 1024, 84)
    await sender.network.send(receiver.self, carrying([big]))
    await receiver.events.waitFor(() => receiver.events.messages.length === 1)
    const [{ message: got, bytes }] = receiver.events.messages
    assert.equal(got.blocks.length, 1)
    assert.ok(sameBytes(got.blocks[0].data, big.data), 'the bytes are the same')
    assert.equal((await cidOfBlock(got.blocks[0], hashers)).toString(), big.cid.toString())
    assert.ok(bytes > 2 * 1024 * 1024)
    assert.equal(receiver.network.stats(sender.self)?.bytesReceived, bytes)
    assert.equal(sender.network.stats(receiver.self)?.bytesSent, bytes)
  })

  it('resets a stream carrying an oversized length prefix or garbage; the peer\'s other traffic goes on', async (t) => {
    const receiver = await peer(t)
    const rogue = await rawNode(t)
    const bystander = await peer(t)
    const [a, b, c] = await makeBlocks(3, 100, 85)
    const rogueKey = rogue.peerId.toString()

    // The rogue's well-behaved stream, opened before it misbehaves on others.
    const good = await rawStream(rogue, receiver)
    good.send(frame(encodeMessage(wants([a.cid]))))
    await receiver.events.waitFor(() => receiver.events.from(rogueKey).length === 1)

    const oversized = await rawStream(rogue, receiver)
    oversized.send(varint(5 * 1024 * 1024))
    await receiver.events.waitFor(() => receiver.events.errors.length === 1)
    await closed(oversized)
    assert.equal(oversized.status, 'reset', 'the receiver reset the stream')
    assert.ok(receiver.events.errors[0].error instanceof MessageTooLargeError)
    assert.ok(receiver.events.errors[0].error instanceof ProtocolViolationError, 'a protocol violation, by its class')

    const garbage = await rawStream(rogue, receiver, '/ipfs/bitswap/1.1.0')
    // Field 1 claims 127 bytes, and 2 follow: not a Bitswap message.
    garbage.send(frame(Uint8Array.from([0x0a, 0x7f, 0x00, 0x00])))
    await receiver.events.waitFor(() => receiver.events.errors.length === 2)
    await closed(garbage)
    assert.equal(garbage.status, 'reset')
    assert.ok(receiver.events.errors[1].error instanceof MalformedMessageError)
    assert.deepEqual(receiver.events.errors.map(e => e.peer), [rogueKey, rogueKey])
    assert.equal(receiver.network.stats(rogueKey)?.protocolErrors, 2)

    // The rogue's first stream, and a third node, still get through.
    good.send(frame(encodeMessage(wants([b.cid]))))
    await bystander.network.connect({ peer: receiver.self, addresses: addressesOf(receiver.node) })
    await bystander.network.send(receiver.self, wants([c.cid]))
    await receiver.events.waitFor(() => receiver.events.messages.length === 3)
    assert.deepEqual(receiver.events.from(rogueKey).map(m => m.wantlist?.entries[0].cid.toString()), [a.cid.toString(), b.cid.toString()])
    assert.equal(receiver.events.from(bystander.self)[0].wantlist?.entries[0].cid.toString(), c.cid.toString())
    assert.equal(good.status, 'open')
    assert.equal(receiver.network.stats(bystander.self)?.protocolErrors, 0)
  })

  it('applies the node\'s decode limits to inbound messages', async (t) => {
    const receiver = await peer(t, { decodeLimits: { maxWantlistEntries: 10, maxBlocks: 10, maxPresences: 10 } })
    const sender = await peer(t)
    const cids = (await makeBlocks(11, 8, 86)).map(block => block.cid)
    await sender.network.connect({ peer: receiver.self, addresses: addressesOf(receiver.node) })
    const [outbound] = streamsTo(sender.node, receiver.node, 'outbound')
    await sender.network.send(receiver.self, wants(cids))
    await receiver.events.waitFor(() => receiver.events.errors.length === 1)
    assert.ok(receiver.events.errors[0].error instanceof MessageLimitError)
    assert.equal(receiver.events.messages.length, 0)
    // The reset stream is replaced on the next send (once the sender has seen the reset).
    await closed(outbound)
    assert.equal(outbound.status, 'reset')
    await sender.network.send(receiver.self, wants(cids.slice(0, 10)))
    await receiver.events.waitFor(() => receiver.events.messages.length === 1)
    assert.equal(sender.network.stats(receiver.self)?.streamsOpened, 2)
  })

  it('reopens the outbound stream after the peer reset it', async (t) => {
    const sender = await peer(t)
    const receiver = await peer(t)
    const [a, b] = await makeBlocks(2, 8, 87)
    await sender.network.connect({ peer: receiver.self, addresses: addressesOf(receiver.node) })
    await sender.network.send(receiver.self, wants([a.cid]))
    await receiver.events.waitFor(() => receiver.events.messages.length === 1)

    const [outbound] = streamsTo(sender.node, receiver.node, 'outbound')
    for (const stream of streamsTo(receiver.node, sender.node, 'inbound')) stream.abort(new Error('test reset'))
    await closed(outbound)
    await sender.network.send(receiver.self, wants([b.cid]))
    await receiver.events.waitFor(() => receiver.events.messages.length === 2)
    assert.equal(sender.network.stats(receiver.self)?.streamsOpened, 2)
    assert.equal(receiver.events.messages[1].message.wantlist?.entries[0].cid.toString(), b.cid.toString())
  })

  it('holds a send back while the peer does not read, and lets it finish once the peer reads again', async (t) => {
    const sender = await peer(t)
    const reader = await rawNode(t)
    let inbound: Stream | undefined
    await reader.handle('/ipfs/bitswap/1.2.0', (stream) => {
      stream.pause()
      inbound = stream
    })
    await dialNode(sender.node, reader)
    const [block] = await makeBlocks(1, 1024 * 1024, 88)
    let done = false
    const sending = sender.network.send(reader.peerId.toString(), carrying([block])).then(() => { done = true })
    // The muxer's first window (256 KiB) arrives, then the paused reader grants no more.
    await until(() => (inbound?.readBufferLength ?? 0) >= 200 * 1024)
    assert.equal(done, false, 'the send waits for the peer')
    assert.ok((inbound?.readBufferLength ?? 0) < 1024 * 1024)

    const stream = inbound as Stream
    const reading = (async () => {
      for await (const bytes of readFrames(stream)) return decodeMessage(bytes)
    })()
    stream.resume()
    await sending
    const got = await reading
    assert.ok(sameBytes(got?.blocks[0].data, block.data))
  })

  it('times a send out when the peer never reads, resets the stream and counts the failure', async (t) => {
    const sender = await peer(t, { sendTimeout: 300, maxSendTimeout: 300 })
    const reader = await rawNode(t)
    const streams: Stream[] = []
    await reader.handle('/ipfs/bitswap/1.2.0', (stream) => {
      stream.pause()
      streams.push(stream)
    })
    const readerKey = reader.peerId.toString()
    // connect() opens the stream outside any send timeout, so the timeout below can only be the stuck write.
    await sender.network.connect({ peer: readerKey, addresses: addressesOf(reader) })
    await until(() => streams.length === 1)
    const [block] = await makeBlocks(1, 1024 * 1024, 89)
    await assert.rejects(sender.network.send(readerKey, carrying([block])), SendTimeoutError)
    await closed(streams[0])
    assert.equal(streams[0].status, 'reset', 'the stuck stream was reset')
    assert.equal(sender.network.stats(readerKey)?.sendFailures, 1)
    // The next use opens a new stream, and a message that fits the window goes through.
    await sender.network.connect(readerKey)
    await sender.network.send(readerKey, wants([block.cid]))
    await until(() => streams.length === 2)
    assert.equal(sender.network.stats(readerKey)?.streamsOpened, 2)
    assert.equal(sender.network.stats(readerKey)?.sendFailures, 1)
  })

  it('learns Bitswap peers from libp2p connections and identify, with their version', async (t) => {
    const a = await peer(t)
    const b = await peer(t)
    const old = await peer(t, { protocols: ['/ipfs/bitswap/1.1.0', '/ipfs/bitswap/1.0.0'] })
    const plain = await rawNode(t)
    await dialNode(a.node, b.node)
    await dialNode(old.node, a.node)
    await dialNode(a.node, plain)
    // Identify with the plain node is done once its protocols are stored; it lists no Bitswap protocol.
    await a.events.waitFor(() => a.events.connected.length === 2)
    await identified(a.node, plain)
    await b.events.waitFor(() => b.events.connected.length === 1)
    await old.events.waitFor(() => old.events.connected.length === 1)
    const versions = new Map(a.events.connected.map(c => [c.peer, c.version]))
    assert.deepEqual(versions, new Map([[b.self, '1.2.0'], [old.self, '1.1.0']]))
    assert.deepEqual(b.events.connected, [{ peer: a.self, version: '1.2.0' }])
    assert.deepEqual(old.events.connected, [{ peer: a.self, version: '1.1.0' }])
    assert.deepEqual(new Set(a.network.connectedPeers()), new Set([b.self, old.self]), 'the plain node is not a Bitswap peer')
    assert.equal(a.network.version(old.self), '1.1.0')
  })

  it('connects by peer id from the peer store, and rejects peers it cannot reach', async (t) => {
    const a = await peer(t)
    const b = await peer(t)
    const plain = await rawNode(t)
    await a.node.peerStore.merge(b.node.peerId, { multiaddrs: b.node.getMultiaddrs() })
    assert.equal(await a.network.connect(b.self), '1.2.0')
    assert.deepEqual(a.network.connectedPeers(), [b.self])

    await assert.rejects(a.network.connect({ peer: plain.peerId.toString(), addresses: addressesOf(plain) }), ProtocolNotSupportedError)
    await assert.rejects(a.network.send(plain.peerId.toString(), wants([])), ProtocolNotSupportedError)
    const stranger = (await createNode())
    await stranger.stop()
    await assert.rejects(a.network.send(stranger.peerId.toString(), wants([])), PeerUnreachableError)
    await assert.rejects(a.network.connect(a.self), PeerUnreachableError)
  })

  it('reports a disconnect on both sides', async (t) => {
    const a = await peer(t)
    const b = await peer(t)
    await a.network.connect({ peer: b.self, addresses: addressesOf(b.node) })
    await b.events.waitFor(() => b.events.connected.length === 1)
    await a.network.disconnect(b.self)
    assert.deepEqual(a.events.disconnected, [b.self], 'reported before disconnect() resolves')
    await b.events.waitFor(() => b.events.disconnected.length === 1)
    assert.deepEqual(b.events.disconnected, [a.self])
    assert.deepEqual(a.network.connectedPeers(), [])
    assert.deepEqual(b.network.connectedPeers(), [])
    assert.equal(a.network.version(b.self), undefined)
    await assert.rejects(a.network.send(b.self, wants([])), PeerUnreachableError)
  })

  it('stops cleanly with streams open both ways, and can start again', async (t) => {
    const a = await peer(t)
    const b = await peer(t)
    const [x, y, z] = await makeBlocks(3, 8, 90)
    await a.network.connect({ peer: b.self, addresses: addressesOf(b.node) })
    await a.network.send(b.self, wants([x.cid]))
    await b.network.send(a.self, wants([y.cid]))
    await a.events.waitFor(() => a.events.messages.length === 1)
    await b.events.waitFor(() => b.events.messages.length === 1)

    const bToA = streamsTo(b.node, a.node, 'outbound')[0]
    await a.network.stop()
    assert.deepEqual(a.events.disconnected, [b.self])
    assert.equal(a.node.getProtocols().some(p => p.startsWith('/ipfs/bitswap')), false, 'protocols released')
    assert.equal(streamsTo(a.node, b.node, 'inbound').length + streamsTo(a.node, b.node, 'outbound').length, 0, 'no stream left open')
    await assert.rejects(a.network.send(b.self, wants([])), NotStartedError)
    await closed(bToA)
    assert.equal(a.node.status, 'started', 'the libp2p node is left running')

    const again = new Recorder()
    await a.network.start(again)
    assert.deepEqual(again.connected, [{ peer: b.self, version: '1.2.0' }], 'still-connected peers are picked up on start')
    await b.network.send(a.self, wants([z.cid]))
    await again.waitFor(() => again.messages.length === 1)
    assert.equal(again.messages[0].message.wantlist?.entries[0].cid.toString(), z.cid.toString())
  })
})

describe('libp2p network: two Swapwright nodes end to end', { timeout: 120_000 }, () => {
  async function swapwright (t: TestContext, blocks: TestBlock[] = []): Promise<{ node: Bitswap, store: MemoryBlockstore, libp2p: TestNode }> {
    const libp2p = await createNode()
    const store = new MemoryBlockstore()
    for (const block of blocks) await store.put(block.cid, block.data)
    const node = createBitswap({ network: libp2pNetwork(libp2p), blockstore: blockstorePlugin(store), ...goDefaults() })
    t.after(async () => {
      await node.stop()
      await stopNodes(libp2p)
    })
    await node.start()
    return { node, store, libp2p }
  }

  it('fetches 100 blocks of 64 KiB byte-exact through a session, and single blocks with want()', async (t) => {
    const blocks = await makeBlocks(100, 64 * 1024, 91)
    const [late, stored] = await makeBlocks(2, 5000, 92)
    const server = await swapwright(t, [...blocks, stored])
    const client = await swapwright(t)
    const serverKey = server.libp2p.peerId.toString()
    await client.node.components.network.connect({ peer: serverKey, addresses: addressesOf(server.libp2p) })

    const started = performance.now()
    const session = client.node.createSession()
    const got = new Map<string, Uint8Array>()
    for await (const { cid, bytes } of session.getBlocks(blocks.map(b => b.cid))) got.set(cid.toString(), bytes)
    const ms = performance.now() - started
    session.close()
    assert.equal(got.size, blocks.length)
    for (const block of blocks) {
      assert.ok(sameBytes(got.get(block.cid.toString()), block.data), `block ${block.cid} is intact`)
      assert.equal(await client.store.has(block.cid), true)
    }
    t.diagnostic(`100 x 64 KiB over TCP+noise+yamux in ${ms.toFixed(0)} ms (${(100 * 64 / 1024 / (ms / 1000)).toFixed(1)} MiB/s)`)
    const link = client.node.components.network.stats(serverKey)
    assert.ok((link?.bytesReceived ?? 0) >= 100 * 64 * 1024)

    assert.ok(sameBytes(await client.node.want(stored.cid), stored.data))
    // A want for a block the server gets only later is answered once it has it.
    const wanting = client.node.want(late.cid)
    const clientKey = client.libp2p.peerId.toString()
    await until(() => nodeParts(server.node).server.wantlist(clientKey).some(cid => cid.equals(late.cid)))
    await server.store.put(late.cid, late.data)
    await server.node.notifyNewBlocks([late.cid])
    assert.ok(sameBytes(await wanting, late.data))
  })
})
