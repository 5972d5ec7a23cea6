import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { encodeMessage, encodePrefixOf, VirtualClock, type BitswapMessage, type PeerKey } from '@swapwright/core'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { GO_BURST_SECONDS, SimulatedNetwork, type SimulatedNetworkInit } from '../src/index.js'

/** A message carrying one block of `size` bytes, and its exact size on the wire. */
async function blockMessage (size: number, fill = 1): Promise<{ message: BitswapMessage, wire: number }> {
  const data = new Uint8Array(size).fill(fill)
  const cid = CID.createV1(raw.code, await sha256.digest(data))
  const message: BitswapMessage = { blocks: [{ prefix: encodePrefixOf(cid), data }], presences: [], pendingBytes: 0 }
  return { message, wire: encodeMessage(message).byteLength }
}

/** Two started nodes, a → b, recording when b receives each message. */
async function link (init: Omit<SimulatedNetworkInit, 'clock'>): Promise<{ clock: VirtualClock, net: SimulatedNetwork, send: (m: BitswapMessage) => Promise<void>, arrivals: number[] }> {
  const clock = new VirtualClock()
  const net = new SimulatedNetwork({ ...init, clock })
  const a = net.node('a')
  const b = net.node('b')
  const arrivals: number[] = []
  const quiet = { onPeerConnected: () => {}, onPeerDisconnected: () => {} }
  await a.start({ ...quiet, onMessage: () => {} })
  await b.start({ ...quiet, onMessage: () => { arrivals.push(clock.now()) } })
  await a.connect('b')
  return { clock, net, send: async (m) => a.send('b', m), arrivals }
}

const close = (actual: number, expected: number, what: string): void => {
  assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: expected ${expected}, got ${actual}`)
}

describe('SimulatedNetwork bandwidth (token bucket per ordered link)', () => {
  it('delivers 1 MB at 100 kB/s after 10 s plus the latency, and holds the sender until it has left', async () => {
    const { clock, send, arrivals } = await link({ latency: 40, bandwidth: 100_000, burstSeconds: GO_BURST_SECONDS })
    const { message, wire } = await blockMessage(1_000_000)
    await clock.run(send(message))
    const transfer = (wire * 1000) / 100_000
    assert.ok(transfer > 10_000 && transfer < 10_001, `1 MB of block takes ${transfer} ms on the wire`)
    close(clock.now(), transfer, 'send resolves when the last byte has left')
    await clock.runUntilIdle()
    assert.equal(arrivals.length, 1)
    close(arrivals[0], transfer + 40, 'arrival')
  })

  it('makes a burst on a fresh link wait in line (the bucket starts empty), carrying the debt over', async () => {
    const { clock, send, arrivals } = await link({ latency: 10, bandwidth: 100_000, burstSeconds: GO_BURST_SECONDS })
    const { message, wire } = await blockMessage(50_000)
    const unit = (wire * 1000) / 100_000
    // three sends in the same instant: the bucket starts empty, so each waits for all the bytes before it
    const sends = [send(message), send(message), send(message)]
    await clock.run(Promise.all(sends))
    close(clock.now(), 3 * unit, 'the last of three sends resolves after three transfers')
    await clock.runUntilIdle()
    assert.deepEqual(arrivals.length, 3)
    arrivals.forEach((at, i) => { close(at, (i + 1) * unit + 10, `message ${i}`) })
  })

  it('repays a debt at the link rate: a message sent halfway through waits for the rest of it', async () => {
    const { clock, send, arrivals } = await link({ latency: 0, bandwidth: 100_000, burstSeconds: GO_BURST_SECONDS })
    const { message, wire } = await blockMessage(100_000)
    const unit = (wire * 1000) / 100_000
    void send(message) // leaves at `unit`
    await clock.advance(unit / 2)
    void send(message) // half the debt is still owed: leaves at 2 * unit, not 1.5 * unit
    await clock.runUntilIdle()
    close(arrivals[0], unit, 'first')
    close(arrivals[1], 2 * unit, 'second')
  })

  it('with a one-second bucket (the Go model), lets an idle link send a second of bandwidth at once, then throttles', async () => {
    const { clock, net, send, arrivals } = await link({ latency: 5, bandwidth: 100_000, burstSeconds: GO_BURST_SECONDS })
    net.link('a', 'b') // created empty: it starts filling now
    await clock.advance(5000) // far more than a second: the bucket is full, and holds no more than 100 kB
    const { message, wire } = await blockMessage(30_000)
    const start = clock.now()
    const sends = [send(message), send(message), send(message), send(message)]
    await clock.run(Promise.all(sends))
    await clock.runUntilIdle()
    // three messages fit in the 100 kB bucket and go at once; the fourth waits for its missing bytes only
    for (let i = 0; i < 3; i++) close(arrivals[i], start + 5, `message ${i}`)
    const missing = 4 * wire - 100_000
    close(arrivals[3], start + (missing * 1000) / 100_000 + 5, 'message 3')
  })

  it('by default saves nothing while idle: one message after another at the link rate, as before', async () => {
    const { clock, net, send, arrivals } = await link({ latency: 5, bandwidth: 100_000 })
    net.link('a', 'b')
    await clock.advance(5000)
    const { message, wire } = await blockMessage(30_000)
    const unit = (wire * 1000) / 100_000
    await clock.run(Promise.all([send(message), send(message)]))
    await clock.runUntilIdle()
    close(arrivals[0], 5000 + unit + 5, 'first')
    close(arrivals[1], 5000 + 2 * unit + 5, 'second')
    assert.throws(() => new SimulatedNetwork({ clock, burstSeconds: -1, bandwidth: 1 }).link('x', 'y'), RangeError)
  })

  it('keeps the two directions of a connection independent', async () => {
    const clock = new VirtualClock()
    const net = new SimulatedNetwork({ clock, latency: 0, bandwidth: (from: PeerKey) => from === 'a' ? 10_000 : 1_000_000 })
    assert.equal(net.link('a', 'b').bandwidth, 10_000)
    assert.equal(net.link('b', 'a').bandwidth, 1_000_000)
    assert.deepEqual(net.linkStats().map(l => [l.from, l.to, l.bandwidth]), [['a', 'b', 10_000], ['b', 'a', 1_000_000]])
  })

  it('counts messages in flight and shows every accepted message to the delivery observer', async () => {
    const clock = new VirtualClock()
    const seen: Array<{ from: PeerKey, to: PeerKey, blocks: number, bytes: number }> = []
    const net = new SimulatedNetwork({
      clock,
      latency: 20,
      onDeliver: (from, to, message, bytes) => { seen.push({ from, to, blocks: message.blocks.length, bytes }) }
    })
    const quiet = { onMessage: () => {}, onPeerConnected: () => {}, onPeerDisconnected: () => {} }
    const a = net.node('a')
    const b = net.node('b')
    await a.start(quiet)
    await b.start(quiet)
    await a.connect('b')
    const { message, wire } = await blockMessage(1000)
    await a.send('b', message)
    await b.send('a', message)
    assert.equal(net.inFlight, 2)
    await clock.advance(20)
    assert.equal(net.inFlight, 0)
    assert.deepEqual(seen, [{ from: 'a', to: 'b', blocks: 1, bytes: wire }, { from: 'b', to: 'a', blocks: 1, bytes: wire }])
  })
})
