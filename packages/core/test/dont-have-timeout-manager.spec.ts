import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { DEFAULT_DONT_HAVE_TIMEOUT, MAX_DONT_HAVE_TIMEOUT, MIN_DONT_HAVE_TIMEOUT, VirtualClock } from '../src/index.js'
import { DontHaveTimeoutManager } from '../src/internal.js'

async function cidOf (name: string): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(name)))
}

/** A manager on a virtual clock that records every expiry as (time, names of the CIDs). */
async function setup (): Promise<{
  clock: VirtualClock
  manager: DontHaveTimeoutManager
  expiries: Array<{ at: number, names: string[] }>
  cid: (name: string) => CID
}> {
  const clock = new VirtualClock()
  const names = new Map<string, string>()
  const cids = new Map<string, CID>()
  for (const name of ['a', 'b', 'c', 'd', 'e']) {
    const cid = await cidOf(name)
    cids.set(name, cid)
    names.set(cid.toString(), name)
  }
  const expiries: Array<{ at: number, names: string[] }> = []
  const manager = new DontHaveTimeoutManager({
    clock,
    peer: 'peer-1',
    onTimeout: expired => { expiries.push({ at: clock.now(), names: expired.map(cid => names.get(cid.toString()) ?? '?') }) }
  })
  return { clock, manager, expiries, cid: name => cids.get(name) as CID }
}

/** Sends `name`, lets `after` ms pass and has the peer answer it: one latency sample of `after` ms. */
async function sample (t: Awaited<ReturnType<typeof setup>>, name: string, after: number): Promise<void> {
  t.manager.addPending([t.cid(name)])
  await t.clock.advance(after)
  t.manager.responseReceived([t.cid(name)])
}

describe('DontHaveTimeoutManager', () => {
  it('waits the default 5 s while nothing is known of the peer', async () => {
    const t = await setup()
    assert.equal(t.manager.timeout, DEFAULT_DONT_HAVE_TIMEOUT)
    t.manager.addPending([t.cid('a')])
    await t.clock.advance(4999)
    assert.equal(t.expiries.length, 0)
    await t.clock.advance(1)
    assert.deepEqual(t.expiries, [{ at: 5000, names: ['a'] }])
    assert.equal(t.manager.size, 0)
    assert.equal(t.clock.pending, 0)
  })

  it('uses 2 s + 3 x ping RTT once a ping is known, capped at the maximum', async () => {
    const t = await setup()
    t.manager.setLatency(100)
    assert.equal(t.manager.timeout, 2300)
    t.manager.addPending([t.cid('a')])
    await t.clock.advance(2299)
    assert.equal(t.expiries.length, 0)
    await t.clock.advance(1)
    assert.deepEqual(t.expiries, [{ at: 2300, names: ['a'] }])
    t.manager.setLatency(2000)
    assert.equal(t.manager.timeout, MAX_DONT_HAVE_TIMEOUT, '2 s + 6 s is capped at 7 s')
    t.manager.setLatency(Number.NaN)
    assert.equal(t.manager.timeout, MAX_DONT_HAVE_TIMEOUT, 'a nonsense RTT is ignored')
  })

  it('moves an already running timer when the ping changes the timeout', async () => {
    const t = await setup()
    t.manager.addPending([t.cid('a')])
    await t.clock.advance(1000)
    t.manager.setLatency(50)
    await t.clock.advance(1149)
    assert.equal(t.expiries.length, 0)
    await t.clock.advance(1)
    assert.deepEqual(t.expiries, [{ at: 2150, names: ['a'] }], 'sent at 0, 2 s + 150 ms allowed')
    assert.equal(t.clock.pending, 0)
  })

  it('switches to 2 x the EWMA of answer times, alpha 1/n at first then held at 0.5', async () => {
    const t = await setup()
    t.manager.setLatency(1000)
    await sample(t, 'a', 100)
    assert.equal(t.manager.timeout, 200, 'the first sample is the average; answers override the ping')
    await sample(t, 'b', 300)
    assert.equal(t.manager.timeout, 400, 'second sample: 0.5 x 300 + 0.5 x 100 = 200')
    await sample(t, 'c', 600)
    // third sample weighs 0.5, not 1/3: 0.5 x 600 + 0.5 x 200 = 400; but answers this far apart also widen it by
    // their spread: deviation 0.25 x |300 - 100| = 50, then 0.25 x |600 - 200| + 0.75 x 50 = 137.5, and
    // 400 + 4 x 137.5 = 950 is more than 2 x 400
    assert.equal(t.manager.timeout, 950)
    const before = t.expiries.length
    t.manager.addPending([t.cid('d')])
    await t.clock.advance(949)
    assert.equal(t.expiries.length, before)
    await t.clock.advance(1)
    assert.deepEqual(t.expiries.slice(before).map(e => e.names), [['d']])
  })

  it('widens the timeout while answer times vary, and comes back to 2 x the average once they are steady', async () => {
    const t = await setup()
    for (let i = 0; i < 10; i++) await sample(t, 'a', 100)
    assert.equal(t.manager.timeout, 200, 'steady answers: twice their time')
    // a seed that gets the CPU in slices: some answers at once, some after a long pause
    for (const after of [20, 250, 30, 220, 15, 240]) await sample(t, 'b', after)
    const widened = t.manager.timeout
    assert.ok(widened >= 500, `a spread of 15-250 ms gives ${widened} ms`)
    // the next answer after such a spell may come 250 ms on again: no DONT_HAVE for it
    const before = t.expiries.length
    t.manager.addPending([t.cid('c')])
    await t.clock.advance(250)
    assert.equal(t.expiries.length, before, 'a want answered within the spell\'s spread is not taken for DONT_HAVE')
    t.manager.responseReceived([t.cid('c')])
    for (let i = 0; i < 30; i++) await sample(t, 'd', 100)
    assert.ok(t.manager.timeout < 205, `steady again: ${t.manager.timeout} ms, back to about 2 x 100`)
  })

  it('measures an answer from the earliest matching send', async () => {
    const t = await setup()
    t.manager.addPending([t.cid('a')])
    await t.clock.advance(50)
    t.manager.addPending([t.cid('b'), t.cid('a')])
    await t.clock.advance(100)
    t.manager.responseReceived([t.cid('b'), t.cid('a'), t.cid('e')])
    assert.equal(t.manager.timeout, 300, 'a was first sent at 0 (re-adding kept that), so the sample is 150 ms')
    assert.equal(t.manager.size, 0)
  })

  it('clamps the timeout to [50 ms, 7 s]', async () => {
    const low = await setup()
    await sample(low, 'a', 10)
    assert.equal(low.manager.timeout, MIN_DONT_HAVE_TIMEOUT, '2 x 10 ms is raised to the floor')
    low.manager.addPending([low.cid('b')])
    await low.clock.advance(49)
    assert.equal(low.expiries.length, 0)
    await low.clock.advance(1)
    assert.deepEqual(low.expiries.map(e => e.names), [['b']])

    const high = await setup()
    await sample(high, 'a', 5000)
    assert.equal(high.manager.timeout, MAX_DONT_HAVE_TIMEOUT, '2 x 5 s is lowered to the ceiling')
  })

  it('still learns from an answer that comes after the simulated DONT_HAVE', async () => {
    const t = await setup()
    t.manager.addPending([t.cid('a')])
    await t.clock.advance(5000)
    assert.deepEqual(t.expiries.map(e => e.names), [['a']])
    await t.clock.advance(1000)
    t.manager.responseReceived([t.cid('a')])
    assert.equal(t.manager.timeout, MAX_DONT_HAVE_TIMEOUT, 'a 6 s answer says the peer is slow: 12 s, capped')
  })

  it('ignores answers slower than 30 s as outliers', async () => {
    const t = await setup()
    await sample(t, 'a', 400)
    assert.equal(t.manager.timeout, 800)
    t.manager.addPending([t.cid('b')])
    await t.clock.advance(30_001)
    t.manager.responseReceived([t.cid('b')])
    assert.equal(t.manager.timeout, 800, 'the 30 001 ms sample left the average alone')
    await sample(t, 'c', 30_000)
    assert.equal(t.manager.timeout, MAX_DONT_HAVE_TIMEOUT, 'exactly 30 s still counts')
  })

  it('sends no DONT_HAVE for wants that were cancelled or answered', async () => {
    const t = await setup()
    t.manager.addPending([t.cid('a'), t.cid('b'), t.cid('c')])
    await t.clock.advance(1000)
    t.manager.cancel([t.cid('a')])
    t.manager.responseReceived([t.cid('b')])
    await t.clock.advance(10_000)
    assert.deepEqual(t.expiries.map(e => e.names), [['c']])
    t.manager.addPending([t.cid('d')])
    t.manager.cancel([t.cid('d')])
    assert.equal(t.clock.pending, 0, 'nothing pending, no timer')
    await t.clock.advance(10_000)
    assert.equal(t.expiries.length, 1)
  })

  it('does not expire the wants a peer is still working through, only those it stays silent on', async () => {
    const t = await setup()
    // A queue of wants for large blocks: the peer answers one every 4 s, each well inside the 5 s allowance of
    // silence, although the last ones wait far longer than 5 s since they were sent.
    t.manager.addPending(['a', 'b', 'c'].map(t.cid))
    for (const name of ['a', 'b']) {
      await t.clock.advance(4000)
      t.manager.responseReceived([t.cid(name)])
    }
    assert.equal(t.expiries.length, 0, 'nothing expires while answers keep coming')
    // The answers took 4 s and 8 s: the allowance is now 2 x their average. The peer then goes silent on 'c'.
    const allowance = t.manager.timeout
    await t.clock.advance(allowance - 1)
    assert.equal(t.expiries.length, 0)
    await t.clock.advance(1)
    assert.deepEqual(t.expiries, [{ at: 8000 + allowance, names: ['c'] }])
  })

  it('holds the wants of a peer whose answers are still being stored', async () => {
    const t = await setup()
    t.manager.addPending([t.cid('a')])
    await t.clock.advance(4000)
    // A message arrived; its block is being verified and written to a slow disk.
    t.manager.heardFrom()
    await t.clock.advance(4999)
    assert.equal(t.expiries.length, 0)
    await t.clock.advance(1)
    assert.deepEqual(t.expiries, [{ at: 9000, names: ['a'] }], 'the allowance runs again from the last message')
  })

  it('expires every pending want at once when the peer breaks the protocol, and still learns from a late answer', async () => {
    const t = await setup()
    t.manager.addPending(['a', 'b'].map(t.cid))
    await t.clock.advance(100)
    t.manager.expireAll()
    assert.deepEqual(t.expiries, [{ at: 100, names: ['a', 'b'] }])
    assert.equal(t.manager.size, 0)
    assert.equal(t.clock.pending, 0, 'no timer is left')
    await t.clock.advance(200)
    t.manager.responseReceived([t.cid('a')])
    assert.equal(t.manager.timeout, 2 * 300, 'the late answer is a latency sample of 300 ms')
  })

  it('reports wants that expire together in one call, and later ones in the next', async () => {
    const t = await setup()
    t.manager.addPending([t.cid('a'), t.cid('b')])
    t.manager.addPending([t.cid('c')])
    await t.clock.advance(10)
    t.manager.addPending([t.cid('d'), t.cid('e')])
    await t.clock.runUntilIdle()
    // Each want beyond the first adds 1 ms: five pending give 5004 ms, then the two left give 5001 ms.
    assert.deepEqual(t.expiries, [
      { at: 5004, names: ['a', 'b', 'c'] },
      { at: 5011, names: ['d', 'e'] }
    ])
  })

  it('keeps a single clock timer, due at the earliest expiry', async () => {
    const t = await setup()
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      t.manager.addPending([t.cid(name)])
      assert.equal(t.clock.pending, 1)
      await t.clock.advance(100)
    }
    t.manager.setLatency(10)
    assert.equal(t.clock.pending, 1)
    t.manager.cancel([t.cid('a')])
    assert.equal(t.clock.pending, 1)
    await t.clock.advance(1632)
    assert.equal(t.expiries.length, 0, 'b was sent at 100 and gets 2030 ms, plus 1 ms for each of the 3 wants after it')
    await t.clock.advance(1)
    assert.deepEqual(t.expiries.map(e => e.names), [['b']])
    assert.equal(t.clock.pending, 1)
  })

  it('keeps working when the timeout handler throws', async () => {
    const clock = new VirtualClock()
    let calls = 0
    const manager = new DontHaveTimeoutManager({ clock, onTimeout: () => { calls++; throw new Error('boom') } })
    manager.addPending([await cidOf('a')])
    await clock.advance(5000)
    manager.addPending([await cidOf('b')])
    await clock.advance(5000)
    assert.equal(calls, 2)
  })

  it('gives a peer holding many of our wants longer to start answering them', async () => {
    const t = await setup()
    await sample(t, 'a', 10)
    const names = Array.from({ length: 200 }, (_, i) => `burst-${i}`)
    const cids = await Promise.all(names.map(cidOf))
    t.manager.addPending(cids)
    await t.clock.advance(MIN_DONT_HAVE_TIMEOUT + 198)
    assert.equal(t.expiries.length, 0, '50 ms for one want, and 1 ms for each of the 199 others')
    await t.clock.advance(1)
    assert.equal(t.expiries.length, 1)
    assert.equal(t.expiries[0].names.length, 200)
  })

  it('gives a peer that reports bytes queued for us the longest allowance', async () => {
    const t = await setup()
    await sample(t, 'a', 10)
    t.manager.addPending([t.cid('b')])
    t.manager.heardFrom(1024 * 1024)
    await t.clock.advance(MAX_DONT_HAVE_TIMEOUT - 1)
    assert.equal(t.expiries.length, 0)
    t.manager.heardFrom(0)
    await t.clock.advance(MIN_DONT_HAVE_TIMEOUT)
    assert.deepEqual(t.expiries.map(e => e.names), [['b']], 'nothing more queued: the learned timeout again')
  })

  it('stop() cancels the timer and ignores later wants', async () => {
    const t = await setup()
    t.manager.addPending([t.cid('a')])
    assert.equal(t.clock.pending, 1)
    t.manager.stop()
    assert.equal(t.clock.pending, 0)
    t.manager.addPending([t.cid('b')])
    assert.equal(t.clock.pending, 0)
    await t.clock.advance(60_000)
    assert.equal(t.expiries.length, 0)
  })
})

describe('DontHaveTimeoutManager with fractional times', () => {
  it('expires a want whose send time and timeout do not add up exactly in floating point', async () => {
    // A ping of this length makes the timeout 2893.504... ms; sent at 32.322... ms, `(sent + t) - t < sent`.
    const rtt = (2893.5043830999493 - 2000) / 3
    const probe = new DontHaveTimeoutManager({ clock: new VirtualClock(), onTimeout: () => {} })
    probe.setLatency(rtt)
    const timeout = probe.timeout
    probe.stop()
    let sentAt = 32.3224893244334
    while ((sentAt + timeout) - timeout >= sentAt) sentAt += 0.001
    const clock = new VirtualClock({ start: sentAt })
    const expired: number[] = []
    const manager = new DontHaveTimeoutManager({ clock, onTimeout: cids => { expired.push(cids.length) } })
    manager.setLatency(rtt)
    manager.addPending([await cidOf('fractional')])
    // A manager that re-arms at 0 ms forever never lets `advance` return; the watchdog turns that into a failure.
    let watchdog: NodeJS.Timeout | undefined
    const stuck = new Promise<'stuck'>(resolve => { watchdog = setTimeout(() => { resolve('stuck') }, 5000) })
    const outcome = await Promise.race([clock.advance(timeout + 10).then(() => 'done' as const), stuck])
    clearTimeout(watchdog)
    assert.equal(outcome, 'done')
    assert.deepEqual(expired, [1])
    assert.equal(clock.pending, 0)
  })
})
