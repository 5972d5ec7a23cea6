import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  encodeMessage, encodePrefixOf, VirtualClock, type BitswapMessage, type DecodedMessage, type NetworkHandler,
  type PeerKey, type ProtocolVersion
} from '@swapwright/core'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { PeerUnreachableError, SimulatedNetwork } from '../src/index.js'

interface Received { at: number, from: PeerKey, message: DecodedMessage, bytes: number }

/** A handler that records what a node saw. */
function recorder (clock: VirtualClock): NetworkHandler & { received: Received[], events: string[], errors: Error[] } {
  const received: Received[] = []
  const events: string[] = []
  const errors: Error[] = []
  return {
    received,
    events,
    errors,
    onMessage: (from, message, bytes) => { received.push({ at: clock.now(), from, message, bytes }) },
    onPeerConnected: (peer, version) => { events.push(`connected ${peer} ${version}`) },
    onPeerDisconnected: (peer) => { events.push(`disconnected ${peer}`) },
    onProtocolError: (_peer, error) => { errors.push(error) }
  }
}

async function block (text: string): Promise<{ cid: CID, data: Uint8Array }> {
  const data = new TextEncoder().encode(text)
  return { cid: CID.createV1(raw.code, await sha256.digest(data)), data }
}

function wantMessage (cid: CID, wantType: 'block' | 'have' = 'have'): BitswapMessage {
  return {
    wantlist: { full: false, entries: [{ cid, priority: 1, wantType, sendDontHave: true, cancel: false }] },
    blocks: [],
    presences: [],
    pendingBytes: 0
  }
}

async function pair (init: { latency?: number | ((from: PeerKey, to: PeerKey) => number), versions?: [ProtocolVersion, ProtocolVersion] } = {}) {
  const clock = new VirtualClock()
  const net = new SimulatedNetwork({ clock, latency: init.latency ?? 10 })
  const a = net.node('a', { version: init.versions?.[0] })
  const b = net.node('b', { version: init.versions?.[1] })
  const ra = recorder(clock)
  const rb = recorder(clock)
  await a.start(ra)
  await b.start(rb)
  return { clock, net, a, b, ra, rb }
}

describe('SimulatedNetwork', () => {
  it('delivers after the link latency, on the virtual clock', async () => {
    const { clock, a, rb } = await pair({ latency: 25 })
    await a.connect('b')
    const { cid } = await block('x')
    await a.send('b', wantMessage(cid))
    await clock.advance(24)
    assert.equal(rb.received.length, 0)
    await clock.advance(1)
    assert.equal(rb.received.length, 1)
    assert.equal(rb.received[0].at, 25)
    assert.equal(rb.received[0].from, 'a')
    assert.ok(rb.received[0].message.wantlist?.entries[0].cid.equals(cid))
  })

  it('keeps messages in order per link even when latency draws differ per message size', async () => {
    const { clock, a, rb } = await pair({ latency: 5 })
    await a.connect('b')
    const sent: string[] = []
    for (let i = 0; i < 20; i++) {
      const { cid } = await block(`block ${i}`)
      sent.push(cid.toString())
      await a.send('b', wantMessage(cid))
      await clock.advance(i % 3)
    }
    await clock.runUntilIdle()
    assert.deepEqual(rb.received.map(r => r.message.wantlist?.entries[0].cid.toString()), sent)
    const times = rb.received.map(r => r.at)
    assert.deepEqual(times, [...times].sort((x, y) => x - y))
  })

  it('counts messages and wire bytes per link and per peer', async () => {
    const { clock, net, a, b, rb } = await pair()
    await a.connect('b')
    const { cid, data } = await block('payload')
    const message: BitswapMessage = { blocks: [{ prefix: encodePrefixOf(cid), data }], presences: [], pendingBytes: 0 }
    await a.send('b', message)
    await a.send('b', wantMessage(cid))
    await b.send('a', wantMessage(cid, 'block'))
    await clock.runUntilIdle()
    const expectedBytes = encodeMessage(message).byteLength + encodeMessage(wantMessage(cid)).byteLength
    const ab = net.linkStats().find(l => l.from === 'a' && l.to === 'b')
    assert.equal(ab?.messages, 2)
    assert.equal(ab?.bytes, expectedBytes)
    assert.equal(a.stats('b')?.bytesSent, expectedBytes)
    assert.equal(b.stats('a')?.bytesReceived, expectedBytes)
    assert.equal(rb.received.reduce((n, r) => n + r.bytes, 0), expectedBytes)
    assert.equal(net.totals().messages, 3)
  })

  it('keeps the per-peer stats of the newest departed peers only (retainDepartedPeers)', async () => {
    const clock = new VirtualClock()
    const net = new SimulatedNetwork({ clock, retainDepartedPeers: 2 })
    const hub = net.node('hub')
    await hub.start(recorder(clock))
    const { cid } = await block('churn')
    const peers = ['p1', 'p2', 'p3', 'p4']
    for (const name of peers) {
      const peer = net.node(name)
      await peer.start(recorder(clock))
      await peer.connect('hub')
      await peer.send('hub', wantMessage(cid))
      await hub.send(name, wantMessage(cid, 'block'))
      await clock.runUntilIdle()
      await hub.disconnect(name)
    }
    assert.equal(hub.stats('p1'), undefined, 'the oldest departures are forgotten')
    assert.equal(hub.stats('p2'), undefined)
    assert.deepEqual([hub.stats('p3')?.messagesReceived, hub.stats('p3')?.messagesSent], [1, 1], 'the newest two stay readable')
    assert.deepEqual([hub.stats('p4')?.messagesReceived, hub.stats('p4')?.messagesSent], [1, 1])
    // A peer that comes back is no longer departed: its counters go on and no later departure pushes them out.
    await net.peer('p3')?.connect('hub')
    await net.peer('p3')?.send('hub', wantMessage(cid))
    await clock.runUntilIdle()
    const p5 = net.node('p5')
    await p5.start(recorder(clock))
    await p5.connect('hub')
    await hub.disconnect('p5')
    await hub.disconnect('p4')
    assert.equal(hub.stats('p3')?.messagesReceived, 2)
    assert.throws(() => new SimulatedNetwork({ clock, retainDepartedPeers: -1 }), /retainDepartedPeers must be a whole number >= 0, got -1/)
  })

  it('connects at the lower of the two versions and downgrades what it sends', async () => {
    const { clock, a, b, ra, rb } = await pair({ versions: ['1.2.0', '1.1.0'] })
    assert.equal(await a.connect('b'), '1.1.0')
    assert.equal(b.version('a'), '1.1.0')
    assert.deepEqual(ra.events, ['connected b 1.1.0'])
    assert.deepEqual(rb.events, ['connected a 1.1.0'])
    const { cid } = await block('old peer')
    await a.send('b', { ...wantMessage(cid, 'have'), presences: [{ cid, type: 'have' }], pendingBytes: 9 })
    await clock.runUntilIdle()
    const got = rb.received[0].message
    assert.equal(got.wantlist?.entries[0].wantType, 'block')
    assert.equal(got.wantlist?.entries[0].sendDontHave, false)
    assert.equal(got.presences.length, 0)
    assert.equal(got.pendingBytes, 0)
  })

  it('splits a large message into parts under the size target', async () => {
    const clock = new VirtualClock()
    const net = new SimulatedNetwork({ clock, maxOutgoingMessageSize: 64 * 1024 })
    const a = net.node('a')
    const b = net.node('b')
    const rb = recorder(clock)
    await a.start(recorder(clock))
    await b.start(rb)
    await a.connect('b')
    const blocks = []
    for (let i = 0; i < 10; i++) {
      const data = new Uint8Array(20 * 1024).fill(i)
      blocks.push({ prefix: encodePrefixOf(CID.createV1(raw.code, await sha256.digest(data))), data })
    }
    await a.send('b', { blocks, presences: [], pendingBytes: 0 })
    await clock.runUntilIdle()
    assert.ok(rb.received.length >= 4, `expected several parts, got ${rb.received.length}`)
    assert.ok(rb.received.every(r => r.bytes <= 64 * 1024))
    assert.equal(rb.received.flatMap(r => r.message.blocks).length, 10)
  })

  it('drops messages in flight when the link goes down, and reports disconnects to both ends', async () => {
    const { clock, net, a, b, ra, rb } = await pair({ latency: 50 })
    await a.connect('b')
    const { cid } = await block('lost')
    await a.send('b', wantMessage(cid))
    await clock.advance(10)
    await b.disconnect('a')
    await clock.runUntilIdle()
    assert.equal(rb.received.length, 0)
    assert.equal(net.totals().dropped, 1)
    assert.deepEqual(ra.events.at(-1), 'disconnected b')
    assert.deepEqual(rb.events.at(-1), 'disconnected a')
    await assert.rejects(a.send('b', wantMessage(cid)), PeerUnreachableError)
  })

  it('refuses unknown, stopped and self peers with a clear error', async () => {
    const { a, b } = await pair()
    await assert.rejects(a.connect('nobody'), /no such peer/)
    await assert.rejects(a.connect('a'), /this node/)
    await b.stop()
    await assert.rejects(a.connect('b'), /not started/)
  })

  it('reports undecodable bytes as a protocol error, and the link keeps working', async () => {
    const { clock, a, b, rb } = await pair()
    await a.connect('b')
    b.receive('a', new Uint8Array([0x0a, 0xff, 0xff, 0xff]))
    assert.equal(rb.errors.length, 1)
    assert.equal((rb.errors[0] as { code?: string }).code, 'ERR_MALFORMED_MESSAGE')
    const { cid } = await block('after garbage')
    await a.send('b', wantMessage(cid))
    await clock.runUntilIdle()
    assert.equal(rb.received.length, 1)
  })

  it('is deterministic for a seed: latencies and the delivery trace repeat exactly', async () => {
    const run = async (seed: number): Promise<string> => {
      const clock = new VirtualClock()
      const net = new SimulatedNetwork({ clock, seed, latency: (_f, _t, random) => 5 + Math.floor(random.next() * 100) })
      const names = ['n0', 'n1', 'n2', 'n3', 'n4']
      const trace: string[] = []
      const nodes = names.map(name => net.node(name))
      for (const node of nodes) {
        await node.start({
          onMessage: (from, message) => { trace.push(`${clock.now()}:${from}->${node.self}:${message.wantlist?.entries[0].cid.toString().slice(-6)}`) },
          onPeerConnected: () => {},
          onPeerDisconnected: () => {}
        })
      }
      await net.connectAll()
      for (let i = 0; i < 40; i++) {
        const { cid } = await block(`m${i}`)
        await nodes[i % 5].send(names[(i * 3 + 1) % 5] === names[i % 5] ? names[(i + 1) % 5] : names[(i * 3 + 1) % 5], wantMessage(cid))
        await clock.advance(1)
      }
      await clock.runUntilIdle()
      return trace.join('\n') + JSON.stringify(net.linkStats())
    }
    assert.equal(await run(7), await run(7))
    assert.notEqual(await run(7), await run(8))
  })
})
