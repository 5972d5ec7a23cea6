import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { tapNetwork, VirtualClock, WireCounters, wireLog, type BitswapMessage, type DecodedMessage, type NetworkHandler } from '../src/index.js'
import { cidOf, FakeNetwork } from './fixtures/fake-network.js'

function handlerRecording (seen: string[]): NetworkHandler {
  return {
    onMessage: (peer) => { seen.push(`message ${peer}`) },
    onPeerConnected: (peer, version) => { seen.push(`up ${peer} ${version}`) },
    onPeerDisconnected: (peer) => { seen.push(`down ${peer}`) }
  }
}

describe('tapping a network', () => {
  it('shows every send, message and peer event to the taps, and leaves the rest of the network as it is', async () => {
    const inner = new FakeNetwork(new VirtualClock())
    let started: NetworkHandler | undefined
    inner.start = async (handler?: NetworkHandler) => { started = handler }
    const seen: string[] = []
    const tapped = tapNetwork(inner, {
      sent: (peer) => { seen.push(`tap sent ${peer}`) },
      received: (peer, _m, bytes) => { seen.push(`tap received ${peer} ${bytes}`) },
      connected: (peer) => { seen.push(`tap up ${peer}`) },
      disconnected: (peer) => { seen.push(`tap down ${peer}`) }
    })
    await tapped.start(handlerRecording(seen))
    assert.ok(started != null)
    started.onPeerConnected('a', '1.2.0')
    await started.onMessage('a', { blocks: [], presences: [], pendingBytes: 0, invalidEntries: 0 }, 12)
    started.onPeerDisconnected('a')
    await tapped.send('a', { blocks: [], presences: [], pendingBytes: 0 })
    assert.deepEqual(seen, ['tap up a', 'up a 1.2.0', 'tap received a 12', 'message a', 'tap down a', 'down a', 'tap sent a'])
    // the network's own members run on the network itself
    assert.equal(inner.sent.length, 1)
    assert.equal(tapped.name, 'fake-network')
    assert.equal(tapped.latency('a'), undefined)
    assert.ok(tapped instanceof FakeNetwork)
  })

  it('tells a tap when the network has finished with a message, and how a failed send failed', async () => {
    const inner = new FakeNetwork(new VirtualClock())
    const order: string[] = []
    let release: (() => void) | undefined
    let fail = false
    inner.send = async () => {
      order.push('network took it')
      await new Promise<void>(resolve => { release = resolve })
      if (fail) throw new Error('stream reset')
    }
    const tapped = tapNetwork(inner, {
      sent: () => { order.push('sent') },
      sendDone: (_peer, _message, error) => { order.push(error == null ? 'done' : `failed: ${(error as Error).message}`) }
    })
    const message = { blocks: [], presences: [], pendingBytes: 0 }
    const first = tapped.send('a', message)
    await Promise.resolve()
    assert.deepEqual(order, ['sent', 'network took it'], 'not done while the network still holds the message')
    release?.()
    await first
    assert.deepEqual(order, ['sent', 'network took it', 'done'])
    fail = true
    const second = tapped.send('a', message)
    await Promise.resolve()
    release?.()
    await assert.rejects(second, /stream reset/)
    assert.deepEqual(order.slice(3), ['sent', 'network took it', 'failed: stream reset'])
  })
})

describe('WireCounters', () => {
  it('counts each kind of entry per peer and in total, broadcasts apart from a session\'s own WANT_HAVEs', async () => {
    const [x, y, z] = await Promise.all(['x', 'y', 'z'].map(cidOf))
    const counters = new WireCounters()
    const sent: BitswapMessage = {
      wantlist: {
        full: false,
        entries: [
          { cid: x, priority: 1, wantType: 'have', sendDontHave: false, cancel: false },
          { cid: y, priority: 1, wantType: 'have', sendDontHave: true, cancel: false },
          { cid: z, priority: 1, wantType: 'block', sendDontHave: true, cancel: false },
          { cid: x, priority: 1, wantType: 'have', sendDontHave: false, cancel: true }
        ]
      },
      blocks: [{ prefix: new Uint8Array(4), data: new Uint8Array(100) }],
      presences: [{ cid: y, type: 'have' }, { cid: z, type: 'dont-have' }],
      pendingBytes: 0
    }
    counters.sent('a', sent)
    const received: DecodedMessage = {
      blocks: [{ prefix: new Uint8Array(4), data: new Uint8Array(30) }, { prefix: new Uint8Array(4), data: new Uint8Array(20) }],
      presences: [{ cid: x, type: 'have' }, { cid: y, type: 'have' }, { cid: z, type: 'dont-have' }],
      pendingBytes: 0,
      invalidEntries: 0
    }
    counters.received('b', received)
    assert.deepEqual(counters.of('a'), {
      ...counters.of('b'),
      wantHavesBroadcast: 1,
      wantHavesSent: 1,
      wantBlocksSent: 1,
      cancelsSent: 1,
      blocksSent: 1,
      blockBytesSent: 100,
      havesSent: 1,
      dontHavesSent: 1,
      blocksReceived: 0,
      blockBytesReceived: 0,
      havesReceived: 0,
      dontHavesReceived: 0,
      messagesReceived: 0
    })
    const b = counters.of('b')
    assert.equal(b?.blocksReceived, 2)
    assert.equal(b?.blockBytesReceived, 50)
    assert.equal(b?.havesReceived, 2)
    assert.equal(b?.dontHavesReceived, 1)
    assert.equal(counters.total.wantHavesBroadcast, 1)
    assert.equal(counters.total.blocksReceived, 2)
    assert.equal(counters.total.blocksSent, 1)
  })

  it('keeps a departed peer\'s counts until `retain` later departures push them out', () => {
    const counters = new WireCounters(2)
    const message: DecodedMessage = { blocks: [], presences: [], pendingBytes: 0, invalidEntries: 0 }
    for (const peer of ['a', 'b', 'c']) counters.received(peer, message)
    counters.disconnected('a')
    counters.disconnected('b')
    assert.ok(counters.of('a') != null, 'two departures are kept')
    counters.disconnected('c')
    assert.equal(counters.of('a'), undefined, 'the oldest of three is let go')
    assert.deepEqual([...counters.all().keys()], ['b', 'c'])
    assert.equal(counters.total.messagesReceived, 3, 'the totals keep everything')
  })
})

describe('wireLog', () => {
  it('writes one trace line per want sent and per presence received, through the logger it is given', async () => {
    const [x, y] = await Promise.all(['x', 'y'].map(cidOf))
    const lines: string[] = []
    const logger = (name: string): any => {
      const log: any = (format: string, ...args: unknown[]) => { lines.push(`${name} ${format} ${args.map(String).join(' ')}`) }
      log.enabled = true
      log.trace = (format: string, ...args: unknown[]) => { lines.push(`${name}:trace ${format} ${args.map(String).join(' ')}`) }
      log.trace.enabled = true
      log.error = log
      return log
    }
    const tap = wireLog({ forComponent: logger } as any)
    tap.sent?.('a', {
      wantlist: { full: false, entries: [{ cid: x, priority: 1, wantType: 'have', sendDontHave: false, cancel: false }, { cid: y, priority: 1, wantType: 'block', sendDontHave: true, cancel: false }] },
      blocks: [],
      presences: [],
      pendingBytes: 0
    })
    tap.received?.('a', { blocks: [], presences: [{ cid: y, type: 'have' }], pendingBytes: 0, invalidEntries: 0 }, 40)
    tap.connected?.('a', '1.2.0')
    assert.equal(lines.filter(line => line.includes(':trace to %s: want-%s')).length, 2)
    assert.ok(lines.some(line => line.includes('(broadcast)') || line.endsWith(' (broadcast)')), lines.join('\n'))
    assert.equal(lines.filter(line => line.includes(':trace from %s: %s %c')).length, 1)
    assert.ok(lines.some(line => line.startsWith('swapwright:bitswap:peers %s connected')))
  })

  it('formats nothing when tracing is off', async () => {
    const [x] = await Promise.all(['x'].map(cidOf))
    let calls = 0
    const logger = (): any => {
      const log: any = () => { calls++ }
      log.enabled = false
      log.trace = () => { calls++ }
      log.trace.enabled = false
      return log
    }
    const tap = wireLog({ forComponent: logger } as any)
    tap.sent?.('a', { wantlist: { full: false, entries: [{ cid: x, priority: 1, wantType: 'have', sendDontHave: false, cancel: false }] }, blocks: [], presences: [], pendingBytes: 0 })
    tap.received?.('a', { blocks: [], presences: [{ cid: x, type: 'have' }], pendingBytes: 0, invalidEntries: 0 }, 40)
    assert.equal(calls, 0)
  })
})
