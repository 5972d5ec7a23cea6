import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { storeIntake } from '../src/util/store-intake.js'
import type { Blockstore } from '../src/interfaces/blockstore.js'

/** Only what storeIntake looks at: a store is any object, with or without the back-pressure members. */
const aStore = <T extends object>(extra: T): Blockstore & T => extra as Blockstore & T

describe('storeIntake', () => {
  it('passes the applied promise through for a store without back-pressure', async () => {
    const applied = Promise.resolve()
    assert.equal(storeIntake(aStore({}))(applied), applied)
  })

  it('holds a message while the store has writes waiting, and only then', async () => {
    let release = (): void => {}
    const store = aStore({
      queuedWrites: 0,
      writable: async () => new Promise<void>(resolve => { release = resolve })
    })
    const intake = storeIntake(store)
    await intake(Promise.resolve())
    store.queuedWrites = 3
    let done = false
    const held = intake(Promise.resolve()).then(() => { done = true })
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(done, false, 'waits for the disk')
    release()
    await held
    assert.equal(done, true)
  })
})
