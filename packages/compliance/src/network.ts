/**
 * The `BitswapNetwork` contract: version negotiation and downgrade, per-link order, errors for peers not
 * connected, connect and disconnect events on both sides, and per-peer counts. The harness builds nodes on one
 * network (simulated, libp2p, or yours) and says how its time passes.
 * @packageDocumentation
 */
import { encodePrefixOf, type BitswapMessage, type BitswapNetwork, type DecodedMessage, type NetworkHandler, type PeerKey, type ProtocolVersion, type ProviderRecord } from '@swapwright/core'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { equal, equalBytes, ok, rejects, same } from './assert.js'
import type { ComplianceCase } from './case.js'

export type { ComplianceCase } from './case.js'

/** Nodes on one network under test. A fresh harness is made for every case. */
export interface NetworkUnderTest {
  /** A new network for one more node (not started), speaking versions up to `maxVersion` (default: the newest). */
  node: (options?: { maxVersion?: ProtocolVersion }) => Promise<BitswapNetwork>
  /** What another node's `connect()` is given to reach `network`: its key, or a record with its addresses. */
  target: (network: BitswapNetwork) => PeerKey | ProviderRecord
  /** Lets `ms` of the network's time pass, so that messages and events in flight arrive. */
  pass: (ms: number) => Promise<void>
  /** Releases everything the harness made (the suite has stopped the networks it started). */
  teardown: () => Promise<void>
}

const DAG_PB = 0x70
const ENCODER = new TextEncoder()

/** Everything a node's network reported to it. */
class Recorder implements NetworkHandler {
  readonly messages: Array<{ peer: PeerKey, message: DecodedMessage, bytes: number }> = []
  readonly connected: Array<{ peer: PeerKey, version: ProtocolVersion }> = []
  readonly disconnected: PeerKey[] = []

  onMessage (peer: PeerKey, message: DecodedMessage, bytes: number): void {
    this.messages.push({ peer, message, bytes })
  }

  onPeerConnected (peer: PeerKey, version: ProtocolVersion): void {
    this.connected.push({ peer, version })
  }

  onPeerDisconnected (peer: PeerKey): void {
    this.disconnected.push(peer)
  }

  from (peer: PeerKey): DecodedMessage[] {
    return this.messages.filter(m => m.peer === peer).map(m => m.message)
  }
}

interface Node { network: BitswapNetwork, events: Recorder }

/** The nodes a case started, stopped at its end. */
class Cluster {
  private readonly nodes: Node[] = []

  constructor (readonly harness: NetworkUnderTest) {}

  async add (maxVersion?: ProtocolVersion): Promise<Node> {
    const network = await this.harness.node(maxVersion === undefined ? {} : { maxVersion })
    const events = new Recorder()
    await network.start(events)
    const node = { network, events }
    this.nodes.push(node)
    return node
  }

  async connect (from: Node, to: Node): Promise<ProtocolVersion> {
    return from.network.connect(this.harness.target(to.network))
  }

  /** Passes time in steps until `condition` holds; fails naming `what` after 10 s of the network's time. */
  async pass (ms: number): Promise<void> {
    await this.harness.pass(ms)
  }

  async until (condition: () => boolean, what: string): Promise<void> {
    for (let waited = 0; !condition(); waited += 10) {
      ok(waited < 10_000, `timed out waiting until ${what}`)
      await this.harness.pass(10)
    }
  }

  async stop (): Promise<void> {
    for (const node of this.nodes) await node.network.stop()
  }
}

async function rawBlock (text: string): Promise<{ cid: CID, data: Uint8Array }> {
  const data = ENCODER.encode(text)
  return { cid: CID.createV1(raw.code, await sha256.digest(data)), data }
}

/** A block under a CIDv0 (dag-pb, sha2-256): the only kind a 1.0.0 peer can be sent. */
async function v0Block (text: string): Promise<{ cid: CID, data: Uint8Array }> {
  const data = ENCODER.encode(text)
  return { cid: CID.createV0(await sha256.digest(data)), data }
}

function message (parts: Partial<BitswapMessage>): BitswapMessage {
  return { blocks: [], presences: [], pendingBytes: 0, ...parts }
}

function wants (cids: CID[], entry: Partial<{ wantType: 'block' | 'have', sendDontHave: boolean }> = {}): BitswapMessage {
  return message({
    wantlist: { full: false, entries: cids.map(cid => ({ cid, priority: 1, cancel: false, wantType: 'block' as const, sendDontHave: false, ...entry })) }
  })
}

const firstWant = (m: DecodedMessage): string | undefined => m.wantlist?.entries[0]?.cid.toString()

/** The cases of the `BitswapNetwork` contract, each on a fresh harness from `factory`. */
export function networkCases (factory: () => Promise<NetworkUnderTest>): ComplianceCase[] {
  const withCluster = (name: string, run: (cluster: Cluster) => Promise<void>): ComplianceCase => ({
    name,
    run: async () => {
      const harness = await factory()
      const cluster = new Cluster(harness)
      try {
        await run(cluster)
      } finally {
        try {
          await cluster.stop()
        } finally {
          await harness.teardown()
        }
      }
    }
  })

  return [
    withCluster('connect negotiates the highest version both speak, and both sides report the peer', async cluster => {
      const a = await cluster.add()
      ok(typeof a.network.name === 'string' && a.network.name.length > 0, 'a network needs a name')
      for (const version of ['1.2.0', '1.1.0', '1.0.0'] as const) {
        const b = await cluster.add(version)
        equal(await cluster.connect(a, b), version, `connect() to a ${version} peer`)
        equal(a.network.version(b.network.self), version, `version() of a ${version} peer`)
        ok(a.network.connectedPeers().includes(b.network.self), 'connectedPeers() lacks a peer just connected')
        await cluster.until(() => a.events.connected.some(c => c.peer === b.network.self), `the dialling side reports its ${version} peer`)
        await cluster.until(() => b.events.connected.some(c => c.peer === a.network.self), `the ${version} side reports the peer that dialled it`)
        same(a.events.connected.filter(c => c.peer === b.network.self), [{ peer: b.network.self, version }], 'the dialling side reports the peer once, at the shared version')
        same(b.events.connected, [{ peer: a.network.self, version }], 'the dialled side reports the peer once, at the shared version')
        equal(b.network.version(a.network.self), version, 'both sides agree on the version')
      }
    }),

    withCluster('messages on one link arrive whole and in the order they were sent', async cluster => {
      const a = await cluster.add()
      const b = await cluster.add()
      await cluster.connect(a, b)
      const cids = await Promise.all(Array.from({ length: 60 }, async (_, i) => (await rawBlock(`order ${i}`)).cid))
      // 30 one after the other, then 30 started together without waiting
      for (const cid of cids.slice(0, 30)) await a.network.send(b.network.self, wants([cid]))
      await Promise.all(cids.slice(30).map(async cid => { await a.network.send(b.network.self, wants([cid])) }))
      await cluster.until(() => b.events.from(a.network.self).length === cids.length, `all ${cids.length} messages arrive`)
      same(b.events.from(a.network.self).map(firstWant), cids.map(String), 'messages arrived out of order')
      ok(b.events.messages.every(m => m.bytes > 0), 'every message reports its size on the wire')
      await cluster.pass(50)
      equal(b.events.messages.length, cids.length, 'a message arrived twice')
    }),

    withCluster('a message reaches the peer intact: wants, presences, blocks and pending bytes', async cluster => {
      const a = await cluster.add()
      const b = await cluster.add()
      await cluster.connect(a, b)
      const [x, y] = await Promise.all([rawBlock('intact x'), rawBlock('intact y')])
      await a.network.send(b.network.self, message({
        wantlist: { full: true, entries: [{ cid: x.cid, priority: 7, cancel: false, wantType: 'have', sendDontHave: true }] },
        presences: [{ cid: y.cid, type: 'dont-have' }],
        blocks: [{ prefix: encodePrefixOf(y.cid), data: y.data }],
        pendingBytes: 1234
      }))
      await cluster.until(() => b.events.messages.length === 1, 'the message arrives')
      const [got] = b.events.from(a.network.self)
      equal(got.wantlist?.full, true, 'full wantlist flag')
      same(got.wantlist?.entries.map(e => [e.cid.toString(), e.priority, e.wantType, e.sendDontHave, e.cancel]), [[x.cid.toString(), 7, 'have', true, false]], 'wantlist')
      same(got.presences.map(p => [p.cid.toString(), p.type]), [[y.cid.toString(), 'dont-have']], 'presences')
      equal(got.blocks.length, 1, 'blocks')
      equalBytes(got.blocks[0].data, y.data, 'block data')
      equalBytes(got.blocks[0].prefix, encodePrefixOf(y.cid), 'block prefix')
      equal(got.pendingBytes, 1234, 'pending bytes')
    }),

    withCluster('downgrades what a 1.1.0 peer cannot understand, and only for that peer', async cluster => {
      const a = await cluster.add()
      const old = await cluster.add('1.1.0')
      const current = await cluster.add()
      const [x, y] = await Promise.all([rawBlock('downgrade x'), rawBlock('downgrade y')])
      const rich = message({
        wantlist: { full: false, entries: [{ cid: x.cid, priority: 5, cancel: false, wantType: 'have', sendDontHave: true }] },
        presences: [{ cid: y.cid, type: 'have' }],
        pendingBytes: 1000
      })
      for (const receiver of [old, current]) {
        await cluster.connect(a, receiver)
        await a.network.send(receiver.network.self, rich)
        await cluster.until(() => receiver.events.messages.length === 1, 'the message arrives')
      }
      const [downgraded] = old.events.from(a.network.self)
      same(downgraded.wantlist?.entries.map(e => [e.cid.toString(), e.wantType, e.sendDontHave]), [[x.cid.toString(), 'block', false]], 'a 1.1.0 peer gets WANT_BLOCK without sendDontHave')
      same(downgraded.presences, [], 'a 1.1.0 peer gets no presences')
      equal(downgraded.pendingBytes, 0, 'a 1.1.0 peer gets no pending bytes')
      const [intact] = current.events.from(a.network.self)
      same(intact.wantlist?.entries.map(e => [e.cid.toString(), e.wantType, e.sendDontHave]), [[x.cid.toString(), 'have', true]], 'a 1.2.0 peer gets the want as sent')
      same(intact.presences.map(p => [p.cid.toString(), p.type]), [[y.cid.toString(), 'have']], 'a 1.2.0 peer gets the presences')
      equal(intact.pendingBytes, 1000, 'a 1.2.0 peer gets the pending bytes')
    }),

    withCluster('a 1.0.0 peer gets CIDv0 wants and blocks it can hash', async cluster => {
      const a = await cluster.add()
      const old = await cluster.add('1.0.0')
      const block = await v0Block('a block for an old peer')
      await cluster.connect(a, old)
      await a.network.send(old.network.self, message({ ...wants([CID.createV1(DAG_PB, block.cid.multihash)]), blocks: [{ prefix: encodePrefixOf(block.cid), data: block.data }] }))
      await cluster.until(() => old.events.messages.length === 1, 'the message arrives')
      const [got] = old.events.from(a.network.self)
      same(got.wantlist?.entries.map(e => e.cid.toString()), [block.cid.toString()], 'a 1.0.0 peer is asked by CIDv0')
      equal(got.blocks.length, 1, 'blocks')
      equalBytes(got.blocks[0].data, block.data, 'block data')
    }),

    withCluster('sending to a peer that is not connected rejects, before and after a connection', async cluster => {
      const a = await cluster.add()
      const b = await cluster.add()
      const { cid } = await rawBlock('nobody listens')
      await rejects(async () => a.network.send(b.network.self, wants([cid])), 'sending to a peer never connected')
      equal(a.network.version(b.network.self), undefined, 'version() of a peer never connected')
      await cluster.connect(a, b)
      await a.network.disconnect(b.network.self)
      await rejects(async () => a.network.send(b.network.self, wants([cid])), 'sending to a peer after disconnecting it')
    }),

    withCluster('disconnect is reported on both sides, and the peer is forgotten', async cluster => {
      const a = await cluster.add()
      const b = await cluster.add()
      await cluster.connect(a, b)
      await cluster.until(() => b.events.connected.length === 1, 'the dialled side reports the peer')
      await a.network.disconnect(b.network.self)
      await cluster.until(() => a.events.disconnected.includes(b.network.self), 'the side that disconnected reports it')
      await cluster.until(() => b.events.disconnected.includes(a.network.self), 'the other side reports it')
      ok(!a.network.connectedPeers().includes(b.network.self), 'connectedPeers() still lists a disconnected peer')
      equal(a.network.version(b.network.self), undefined, 'version() of a disconnected peer')
      await cluster.until(() => !b.network.connectedPeers().includes(a.network.self), 'the other side forgets the peer')
      same(a.events.disconnected, [b.network.self], 'one disconnect reported once')
      equal(await cluster.connect(a, b), '1.2.0', 'a peer can be connected again')
    }),

    withCluster('counts messages and bytes per peer, each way', async cluster => {
      const a = await cluster.add()
      const b = await cluster.add()
      await cluster.connect(a, b)
      const cids = await Promise.all(Array.from({ length: 5 }, async (_, i) => (await rawBlock(`count ${i}`)).cid))
      for (const cid of cids) await a.network.send(b.network.self, wants([cid]))
      await cluster.until(() => b.events.messages.length === 5, 'five messages arrive')
      await cluster.until(() => (b.network.stats(a.network.self)?.messagesReceived ?? 0) >= 5, 'the receiver counts them')
      const bytes = b.events.messages.reduce((n, m) => n + m.bytes, 0)
      const sent = a.network.stats(b.network.self)
      const received = b.network.stats(a.network.self)
      equal(sent?.messagesSent, 5, 'messages sent')
      equal(received?.messagesReceived, 5, 'messages received')
      ok((sent?.bytesSent ?? 0) >= bytes, `bytes sent (${sent?.bytesSent}) cover the ${bytes} reported on arrival`)
      ok((received?.bytesReceived ?? 0) >= bytes, `bytes received (${received?.bytesReceived}) cover the ${bytes} reported on arrival`)
    })
  ]
}
