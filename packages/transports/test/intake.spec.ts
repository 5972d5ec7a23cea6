import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Uint8ArrayList } from 'uint8arraylist'
import { IntakeBudget, PeerIntake, type FrameSource } from '../src/libp2p/intake.js'
import type { DecodedMessage } from '@swapwright/core'

/*
 * A peer's intake holds messages as bytes, decodes one only when the one before it has been applied, pauses
 * the peer at its own limit or (with one of its own waiting) at the total, and lets a peer with nothing
 * waiting always hand over one.
 */

const source = (): FrameSource & { errors: unknown[] } => {
  const errors: unknown[] = []
  return { errors, dead: false, rejected: (err) => { errors.push(err) } }
}

function intakeOf (budget: IntakeBudget, limit = 4): { intake: PeerIntake, decoded: number[], applied: Array<() => void> } {
  const decoded: number[] = []
  const applied: Array<() => void> = []
  const intake = new PeerIntake({
    limit,
    budget,
    decode: bytes => {
      decoded.push(bytes.byteLength)
      return { blocks: [], presences: [], pendingBytes: 0, invalidEntries: 0 } satisfies DecodedMessage
    },
    deliver: async () => { await new Promise<void>(resolve => { applied.push(resolve) }) },
    onError: () => {}
  })
  return { intake, decoded, applied }
}

const tick = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

describe('libp2p network: per-peer intake and the total budget', () => {
  it('decodes a message only once the one before it is applied', async () => {
    const { intake, decoded, applied } = intakeOf(new IntakeBudget(1 << 20))
    for (const size of [10, 20, 30]) intake.push(new Uint8ArrayList(new Uint8Array(size)), source())
    await tick()
    assert.deepEqual(decoded, [10])
    assert.equal(intake.queued, 3)
    assert.equal(intake.queuedBytes, 60)
    applied.shift()?.()
    await tick()
    assert.deepEqual(decoded, [10, 20])
  })

  it('pauses a peer at its own limit', async () => {
    const { intake } = intakeOf(new IntakeBudget(1 << 20), 2)
    intake.push(new Uint8ArrayList(new Uint8Array(1)), source())
    assert.equal(intake.full, false)
    intake.push(new Uint8ArrayList(new Uint8Array(1)), source())
    assert.equal(intake.full, true)
  })

  it('past the total, pauses peers with a message waiting and lets one with none hand over one', async () => {
    const budget = new IntakeBudget(100)
    const flooder = intakeOf(budget)
    const asker = intakeOf(budget)
    flooder.intake.push(new Uint8ArrayList(new Uint8Array(150)), source())
    assert.equal(budget.queued, 150)
    assert.equal(flooder.intake.full, true, 'the flooder, over the total with its own message waiting')
    assert.equal(asker.intake.full, false, 'a peer with nothing waiting may still be read')
    asker.intake.push(new Uint8ArrayList(new Uint8Array(5)), source())
    assert.equal(asker.intake.full, true, 'and then waits like the rest')
    const resumed = asker.intake.room(new AbortController().signal)
    await tick()
    flooder.applied.shift()?.()
    await tick()
    await resumed
    asker.applied.shift()?.()
    await tick()
    assert.equal(budget.queued, 0)
  })

  it('skips the rest of a stream that sent a malformed message', async () => {
    const budget = new IntakeBudget(1 << 20)
    const intake = new PeerIntake({
      limit: 4,
      budget,
      decode: () => { throw new Error('malformed') },
      deliver: () => { assert.fail('nothing is delivered') },
      onError: () => {}
    })
    const from = source()
    intake.push(new Uint8ArrayList(new Uint8Array(3)), from)
    await tick()
    assert.equal(from.errors.length, 1)
    assert.equal(intake.queued, 0)
    assert.equal(budget.queued, 0)
  })
})
