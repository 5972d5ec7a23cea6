/*
 * A session that starts on the provider reached first while another is still being connected (as `get` does with
 * several --peer): when the first is slow, the idle tick must not ask the world, since the provider on its way
 * hears that broadcast as it connects and answers a small block's WANT_HAVE with the block, which the first peer
 * sends as well. The client runs whole, on a virtual clock, over a network the test scripts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_PROVIDER_SEARCH_DELAY, encodePrefixOf, VirtualClock, type BitswapMessage, type PeerKey, type ProviderRecord } from '../src/index.js'
import { clientFixture } from './fixtures/client.js'
import { cidOf } from './fixtures/fake-network.js'
import { ScriptedNetwork } from './fixtures/scripted-network.js'
import type { CID } from 'multiformats/cid'

/** How long the first provider takes to send a block: past the idle tick, short of the DONT_HAVE timeout. */
const SLOW_ANSWER = 2.5 * DEFAULT_PROVIDER_SEARCH_DELAY
/** When the second provider's connection is up: after the idle tick, before the first peer's block. */
const SECOND_JOINS_AT = 1.5 * DEFAULT_PROVIDER_SEARCH_DELAY
/** How long any other answer takes. */
const DELAY = 10

/** Peers that hold every block; a WANT_HAVE is answered with the block, as servers do for a small one. */
class SmallBlockPeers extends ScriptedNetwork {
  /** Every want each peer was sent, as `<type> <cid>`. */
  readonly asked = new Map<PeerKey, string[]>()
  /** Blocks each peer sent. */
  readonly sent = new Map<PeerKey, number>()

  constructor (private readonly clock: VirtualClock, private readonly blocks: Map<string, Uint8Array>, private readonly slow: PeerKey) {
    super()
  }

  async connect (to: PeerKey | ProviderRecord): Promise<'1.2.0'> {
    return this.bringUp(typeof to === 'string' ? to : to.peer)
  }

  async send (peer: PeerKey, message: BitswapMessage): Promise<void> {
    for (const entry of message.wantlist?.entries ?? []) {
      if (entry.cancel) continue
      this.asked.set(peer, [...this.asked.get(peer) ?? [], `${entry.wantType} ${entry.cid}`])
      const data = this.blocks.get(entry.cid.toString())
      if (data == null) continue
      const after = peer === this.slow && entry.wantType === 'block' ? SLOW_ANSWER : DELAY
      this.clock.setTimeout(() => { void this.deliver(peer, entry.cid, data) }, after)
    }
  }

  private async deliver (peer: PeerKey, cid: CID, data: Uint8Array): Promise<void> {
    if (!this.online.has(peer)) return
    this.sent.set(peer, (this.sent.get(peer) ?? 0) + 1)
    await this.client?.messageReceived(peer, { blocks: [{ prefix: encodePrefixOf(cid), data }], presences: [], pendingBytes: 0, invalidEntries: 0 })
  }
}

/** A client connected to 'first', which holds one small block and is slow to send it when asked for it. */
async function slowFirstProvider (): Promise<{ clock: VirtualClock, cid: CID, network: SmallBlockPeers, client: ReturnType<typeof clientFixture> }> {
  const clock = new VirtualClock()
  const cid = await cidOf('a small root')
  const network = new SmallBlockPeers(clock, new Map([[cid.toString(), new TextEncoder().encode('a small root')]]), 'first')
  const client = clientFixture({ clock, network, config: { announceBlocks: false } })
  network.client = client
  client.start()
  await network.connect('first')
  return { clock, cid, network, client }
}

describe('Session: a provider still joining', () => {
  it('is not sent the idle tick\'s broadcast, so a small block comes once', async () => {
    const { clock, cid, network, client } = await slowFirstProvider()
    const session = client.createSession({ providers: ['first'] })
    // the second provider's dial ends later; it joins the session then, as `get` joins a --peer reached late
    session.awaitProvider(clock.sleep(SECOND_JOINS_AT).then(async () => network.connect('second')).then(() => { session.addPeer('second') }))
    let got: Uint8Array | undefined
    await clock.run(async () => { got = await session.getBlock(cid) }, { maxTime: 10 * SLOW_ANSWER })
    // the block's late copies (if any were asked for) arrive too before the count
    await clock.run(async () => { await clock.sleep(SLOW_ANSWER) })
    assert.ok(got != null)
    assert.deepEqual(network.asked.get('first'), [`block ${cid}`])
    assert.equal(network.asked.get('second'), undefined, 'the provider on its way was asked nothing: the block was on its way from the first')
    assert.equal(client.stats().duplicateBlocks, 0)
    session.close()
    client.stop()
  })

  it('holds back one idle tick only: a provider whose connection hangs does not silence the session for good', async () => {
    const { clock, cid, network, client } = await slowFirstProvider()
    await network.connect('bystander')
    const session = client.createSession({ providers: ['first'] })
    session.awaitProvider(new Promise(() => {}))
    await clock.run(async () => { await session.getBlock(cid) }, { maxTime: 10 * SLOW_ANSWER })
    assert.ok(network.asked.get('bystander')?.includes(`have ${cid}`), 'the second idle tick broadcast, before the slow block came')
    session.close()
    client.stop()
  })
})
