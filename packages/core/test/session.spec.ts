import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_CONFIG, MAX_DONT_HAVE_TIMEOUT, VirtualClock } from '../src/index.js'
import { MessageQueue } from '../src/internal.js'
import { fetchBatch } from '../src/client/block-batch.js'
import { SessionPeers } from '../src/client/session-peers.js'
import { SessionWants } from '../src/client/session-wants.js'
import { cidOf, FakeNetwork, oneBlockTarget, sessionFixture } from './fixtures/fake-network.js'
import { CID } from 'multiformats/cid'
import type { Waiter } from '../src/client/notifications.js'

const bytes = (size: number): Uint8Array => new Uint8Array(size).fill(7)

/** Starts fetching `cid` through the fixture's session; the promise settles with the block or the error. */
function fetch (f: ReturnType<typeof sessionFixture>, cid: CID): Promise<Uint8Array> {
  const got = f.session.getBlock(cid)
  got.catch(() => {})
  return got
}

describe('Session: release rules', () => {
  it('a DONT_HAVE from the WANT_BLOCK target releases the want at once, even after that peer said HAVE', async () => {
    const f = sessionFixture()
    f.connect('a', 'b')
    const cid = await cidOf('x')
    const got = fetch(f, cid)
    await f.clock.advance(1)
    assert.deepEqual(f.network.entries(cid), ['a block'])
    f.say('a', cid, 'have')
    f.say('a', cid, 'dont-have')
    await f.clock.advance(1)
    assert.deepEqual(f.network.entries(cid), ['a block', 'b block'])
    f.deliver('b', cid, bytes(10))
    assert.equal((await got).byteLength, 10)
  })

  it('a WANT_BLOCK target silent past its timeout releases the want, and the peer is not asked twice', async () => {
    // No idle tick within the timeout: its broadcast would ask b too.
    const f = sessionFixture({ rtt: 100, config: { providerSearchDelay: 60_000 } })
    f.connect('a', 'b')
    const cid = await cidOf('y')
    const got = fetch(f, cid)
    await f.clock.advance(1)
    f.say('a', cid, 'have')
    const timeout = f.wantManager.queue('a')?.dontHaveTimeout ?? 0
    await f.clock.advance(timeout + 1)
    assert.deepEqual(f.network.entries(cid), ['a block', 'b block'])
    f.deliver('b', cid, bytes(10))
    await got
    // The block arrived: both peers hear CANCEL, and the silent one was never asked again.
    assert.deepEqual(f.network.entries(cid).slice(2).sort(), [])
    await f.clock.advance(1)
    assert.deepEqual(f.network.entries(cid).slice(2).sort(), ['a cancel', 'b cancel'])
  })

  it('does not ask a re-added peer again for a block it still owes us', async () => {
    const f = sessionFixture({ rtt: 100, config: { providerSearchDelay: 60_000 } })
    f.connect('a')
    const cid = await cidOf('owed')
    const got = fetch(f, cid)
    await f.clock.advance(1)
    await f.clock.advance(f.wantManager.queue('a')?.dontHaveTimeout ?? 0)
    // Timed out, then dropped (as 16 refusals in a row would) and back with its next message.
    f.session.removePeer('a')
    f.session.addPeer('a')
    await f.clock.advance(1)
    assert.deepEqual(f.network.entries(cid), ['a block'], 'it still holds the WANT_BLOCK: asking again would bring the block twice')
    f.deliver('a', cid, bytes(5))
    assert.equal((await got).byteLength, 5)
  })

  it('asks refusers again after the back-off, doubling, and fetches once one of them has the block', async () => {
    const f = sessionFixture({ config: { dontHaveRetryDelay: 500 } })
    f.connect('a', 'b')
    const cid = await cidOf('z')
    const got = fetch(f, cid)
    await f.clock.advance(1)
    f.say('a', cid, 'dont-have')
    await f.clock.advance(1)
    assert.deepEqual(f.network.entries(cid), ['a block', 'b block'])
    // Each round both refuse; the next round of WANT_HAVEs waits the back-off, twice as long each time.
    for (const delay of [500, 1000]) {
      f.say('a', cid, 'dont-have')
      f.say('b', cid, 'dont-have')
      f.network.clear()
      await f.clock.advance(delay - 1)
      assert.deepEqual(f.network.entries(cid), [], `nothing before ${delay} ms`)
      await f.clock.advance(2)
      assert.deepEqual(f.network.entries(cid).sort(), ['a have', 'b have'])
    }
    f.say('b', cid, 'have')
    await f.clock.advance(1)
    assert.deepEqual(f.network.entries(cid).slice(2), ['b block'])
    f.deliver('b', cid, bytes(3))
    assert.equal((await got).byteLength, 3)
  })
})

/** Fetches `cid`, delivered by `a` with `size` bytes; returns the want entries it caused. */
async function fetchFromA (f: ReturnType<typeof sessionFixture>, cid: CID, size: number): Promise<string[]> {
  const got = fetch(f, cid)
  await f.clock.advance(1)
  const entries = f.network.entries(cid)
  f.deliver('a', cid, bytes(size))
  await got
  return entries
}

describe('SessionWantSender: small blocks', () => {
  it('asks one peer at a time while blocks are small or unknown, and every peer once they are large', async () => {
    const seen: Array<{ haveAnswersWithBlock: boolean | undefined }> = []
    const f = sessionFixture({ splitter: oneBlockTarget(seen) })
    f.connect('a', 'b', 'c')
    const fetchOne = async (name: string, size: number): Promise<string[]> => fetchFromA(f, await cidOf(name), size)
    assert.deepEqual(await fetchOne('root', 200), ['a block'], 'size unknown: a WANT_HAVE may come back whole')
    assert.deepEqual(await fetchOne('big-1', 4096), ['a block'])
    await fetchOne('big-2', 4096)
    await fetchOne('big-3', 4096)
    assert.deepEqual(await fetchOne('big-4', 4096), ['a block', 'b have', 'c have'], 'large blocks: HAVEs are cheap')
    await fetchOne('small-1', 1024)
    await fetchOne('small-2', 1024)
    assert.deepEqual(await fetchOne('small-3', 1024), ['a block'], 'small again')
    assert.deepEqual(seen.map(s => s.haveAnswersWithBlock), [true, true, true, true, false, false, false, true])
  })

  it('judges each codec by its own blocks: large link nodes above leave a level of small raw leaves one peer at a time', async () => {
    const f = sessionFixture({ splitter: oneBlockTarget() })
    f.connect('a', 'b', 'c')
    const DAG_PB = 0x70
    const fetchOne = async (cid: CID, size: number): Promise<string[]> => fetchFromA(f, cid, size)
    for (let i = 0; i < 4; i++) await fetchOne(CID.createV1(DAG_PB, (await cidOf(`node-${i}`)).multihash), 8192)
    assert.deepEqual(await fetchOne(CID.createV1(DAG_PB, (await cidOf('node-4')).multihash), 8192), ['a block', 'b have', 'c have'], 'large dag-pb nodes: HAVEs are cheap')
    assert.deepEqual(await fetchOne(await cidOf('leaf'), 1024), ['a block'], 'raw leaves not seen yet: maybe small')
  })

  it('a small block\'s WANT_BLOCK moves to the next peer when the first refuses', async () => {
    const f = sessionFixture()
    f.connect('a', 'b')
    const cid = await cidOf('refused-small')
    const got = fetch(f, cid)
    await f.clock.advance(1)
    f.say('a', cid, 'dont-have')
    await f.clock.advance(1)
    assert.deepEqual(f.network.entries(cid), ['a block', 'b block'])
    f.deliver('b', cid, bytes(100))
    await got
  })
})

describe('SessionPeers', () => {
  it('counts DONT_HAVEs in a row, and timeouts only from a peer that has not answered lately', () => {
    const peers = new SessionPeers(3)
    peers.add('a')
    assert.equal(peers.refused('a', 0, false), false)
    assert.equal(peers.refused('a', 0, false), false)
    peers.answered('a', 10)
    assert.equal(peers.refused('a', 20, false), false, 'an answer starts the streak over')
    peers.delivered('a', 100, 40)
    for (let i = 0; i < 5; i++) assert.equal(peers.refused('a', 100 + MAX_DONT_HAVE_TIMEOUT - 1, true), false, 'a delivering peer')
    assert.equal(peers.refused('a', 100 + MAX_DONT_HAVE_TIMEOUT, true), false)
    assert.equal(peers.refused('a', 100 + MAX_DONT_HAVE_TIMEOUT, true), false)
    assert.equal(peers.refused('a', 100 + MAX_DONT_HAVE_TIMEOUT, true), true)
    assert.equal(peers.averageLatency, 40)
  })
})

describe('SessionWants', () => {
  it('keeps new wants queued while the window is full, changed live wants first', async () => {
    const wants = new SessionWants()
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(cidOf))
    for (const cid of [a, b, c]) wants.add(cid)
    assert.equal(wants.add(a), undefined, 'a second caller joins the want')
    const first = wants.take(2, 10, false)
    assert.deepEqual(first.wants.map(w => w.cid), [a, b])
    assert.equal(first.more, false, 'no room left for c')
    for (const want of first.wants) wants.markLive(want)
    assert.equal(wants.liveCount, 2)
    const wantB = wants.get(b)
    assert.ok(wantB != null)
    wants.markDirty(wantB)
    assert.equal(wants.forget(wantB), true, 'c waits for the freed place')
    const wantA = wants.get(a)
    assert.ok(wantA != null)
    wants.markDirty(wantA)
    assert.deepEqual(wants.take(1, 10, false).wants.map(w => w.cid), [a, c])
  })
})

describe('fetchBatch', () => {
  it('yields local and fetched blocks as they come, and withdraws the rest when the caller aborts', async () => {
    const [local, remote, never] = await Promise.all(['l', 'r', 'n'].map(cidOf))
    const waiters = new Map<string, Waiter>()
    const dropped: string[] = []
    const source = {
      lookUp: (cid: CID) => cid.equals(local) ? bytes(1) : undefined,
      want: (cid: CID, waiter: Waiter) => {
        waiters.set(cid.toString(), waiter)
      },
      withdraw: (cid: CID) => waiters.delete(cid.toString()),
      dropCaller: (cid: CID) => { dropped.push(cid.toString()) },
      closed: () => false
    }
    const caller = new AbortController()
    const batch = fetchBatch(source, [local, remote, never], [caller.signal])
    const first = await batch.next()
    assert.ok(first.value?.cid.equals(local))
    waiters.get(remote.toString())?.resolve(bytes(2))
    const second = await batch.next()
    assert.ok(second.value?.cid.equals(remote))
    caller.abort(new Error('enough'))
    await assert.rejects(batch.next(), /aborted/)
    assert.deepEqual(dropped, [never.toString()])
  })
})

describe('fetchBatch: a window of wants', () => {
  it('wants no more than its window at once, one more per block taken, and brings every block', async () => {
    const cids = await Promise.all(Array.from({ length: 10 }, async (_, i) => cidOf(`w${i}`)))
    const waiters = new Map<string, Waiter>()
    let most = 0
    const source = {
      lookUp: () => undefined,
      want: (cid: CID, waiter: Waiter) => {
        waiters.set(cid.toString(), waiter)
        most = Math.max(most, waiters.size)
      },
      withdraw: (cid: CID) => waiters.delete(cid.toString()),
      dropCaller: () => {},
      closed: () => false
    }
    const batch = fetchBatch(source, cids, [new AbortController().signal], 3)
    // the first call starts the batch: three wants, and a block for each is sent back at once
    const answer = (): void => {
      for (const [key, waiter] of [...waiters]) {
        waiters.delete(key)
        waiter.resolve(bytes(1))
      }
    }
    const pending = batch.next()
    assert.equal(waiters.size, 3)
    answer()
    const got = [(await pending).value?.cid.toString()]
    for (;;) {
      answer()
      const next = await batch.next()
      if (next.done === true) break
      got.push(next.value.cid.toString())
    }
    assert.equal(most, 3)
    assert.deepEqual(got.sort(), cids.map(String).sort())
  })
})

describe('fetchBatch: a window of bytes', () => {
  it('wants the largest blocks a peer may send a few at a time, then as many as the mean size taken fits', async () => {
    const cids = await Promise.all(Array.from({ length: 64 }, async (_, i) => cidOf(`b${i}`)))
    const waiters = new Map<string, Waiter>()
    const source = {
      lookUp: () => undefined,
      want: (cid: CID, waiter: Waiter) => {
        waiters.set(cid.toString(), waiter)
      },
      withdraw: (cid: CID) => waiters.delete(cid.toString()),
      dropCaller: () => {},
      closed: () => false
    }
    // 8 MiB: before any block is seen, each want counts as a 2 MiB block (MAX_BLOCK_SIZE)
    const batch = fetchBatch(source, cids, [new AbortController().signal], 1000, 8 * 1024 * 1024)
    const first = batch.next()
    assert.equal(waiters.size, 4)
    // 1 MiB blocks: once one is taken, eight fit
    let most = 0
    const answerOne = (): void => {
      const [key, waiter] = waiters.entries().next().value as [string, Waiter]
      waiters.delete(key)
      waiter.resolve(bytes(1024 * 1024))
    }
    answerOne()
    await first
    assert.equal(waiters.size, 3 + 5)
    let got = 1
    for (;;) {
      if (waiters.size > 0) answerOne()
      const next = await batch.next()
      if (next.done === true) break
      got++
      most = Math.max(most, waiters.size)
    }
    assert.equal(got, cids.length)
    assert.equal(most, 8)
  })
})

describe('MessageQueue: DONT_HAVE timeouts', () => {
  it('learns the peer’s answer time when the answer is recorded before the cancel it causes', async () => {
    const clock = new VirtualClock()
    const network = new FakeNetwork(clock)
    const queue = new MessageQueue({ peer: 'p', network, clock, config: DEFAULT_CONFIG })
    for (let i = 0; i < 4; i++) {
      const cid = await cidOf(`q${i}`)
      queue.wantBlock(cid, true)
      await clock.advance(150)
      assert.equal(queue.awaitingAnswers, 1)
      queue.responseReceived([cid])
      queue.cancel([cid])
    }
    assert.equal(queue.dontHaveTimeout, 300)
  })
})
