/*
 * A session whose only peer drops the connection mid-fetch: it dials the peer again and looks for providers at
 * once, and when nobody can be found it fails with an error naming a wanted CID, long before the caller's abort.
 * The client runs whole, on a virtual clock, over a network the test scripts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { encodePrefixOf, PeerUnreachableError, PeersLostError, VirtualClock, type BitswapMessage, type PeerKey, type ProviderFinder, type ProviderRecord } from '../src/index.js'
import { clientFixture } from './fixtures/client.js'
import { ScriptedNetwork } from './fixtures/scripted-network.js'
import { cidOf } from './fixtures/fake-network.js'
import type { BitswapClient } from '../src/internal.js'
import type { CID } from 'multiformats/cid'

/** One-way delay of every scripted answer, in ms. */
const DELAY = 10
/** When the caller gives up: far past anything the session should need. */
const CALLER_TIMEOUT = 60_000

/** Peers that hold every block and answer each WANT_BLOCK with its block, one message per block. */
class DroppingPeers extends ScriptedNetwork {
  /** Peers that accept a dial. */
  readonly reachable = new Set<PeerKey>()
  readonly dials: PeerKey[] = []
  /** The peer closes the connection after sending this many blocks. */
  readonly dropAfter = new Map<PeerKey, number>()
  private readonly sentBlocks = new Map<PeerKey, number>()

  constructor (private readonly clock: VirtualClock, private readonly blocks: Map<string, Uint8Array>) {
    super()
  }

  async connect (to: PeerKey | ProviderRecord): Promise<'1.2.0'> {
    const peer = typeof to === 'string' ? to : to.peer
    this.dials.push(peer)
    if (!this.reachable.has(peer)) throw new PeerUnreachableError(peer, 'connection refused')
    return this.bringUp(peer)
  }

  async send (peer: PeerKey, message: BitswapMessage): Promise<void> {
    if (!this.online.has(peer)) throw new PeerUnreachableError(peer, 'not connected')
    let order = 0
    for (const entry of message.wantlist?.entries ?? []) {
      if (entry.cancel || entry.wantType !== 'block') continue
      const data = this.blocks.get(entry.cid.toString())
      if (data == null) continue
      this.clock.setTimeout(() => { void this.deliver(peer, entry.cid, data) }, DELAY * ++order)
    }
  }

  /** The peer closes its connection; it accepts dials again only if it stays `reachable`. */
  drop (peer: PeerKey): void {
    if (!this.online.delete(peer)) return
    this.client?.peerDisconnected(peer)
  }

  private async deliver (peer: PeerKey, cid: CID, data: Uint8Array): Promise<void> {
    if (!this.online.has(peer)) return
    await this.client?.messageReceived(peer, { blocks: [{ prefix: encodePrefixOf(cid), data }], presences: [], pendingBytes: 0, invalidEntries: 0 })
    const sent = (this.sentBlocks.get(peer) ?? 0) + 1
    this.sentBlocks.set(peer, sent)
    if (sent === this.dropAfter.get(peer)) this.drop(peer)
  }
}

/** Names `peers` as providers of every CID. */
function finderOf (peers: PeerKey[]): ProviderFinder & { lookups: number } {
  return {
    name: 'scripted-finder',
    lookups: 0,
    async * findProviders (): AsyncIterable<ProviderRecord> {
      this.lookups++
      for (const peer of peers) yield { peer, addresses: [] }
    },
    async provide () {}
  }
}

interface Outcome {
  got: number
  error: unknown
  /** Virtual ms from the seed's drop to the end of the fetch. */
  afterDrop: number
}

async function fetchWhileSeedDrops (init: { seedReachable: boolean, spare: boolean }): Promise<Outcome & { network: DroppingPeers, client: BitswapClient }> {
  const clock = new VirtualClock()
  const names = Array.from({ length: 10 }, (_, i) => `block ${i}`)
  const cids = await Promise.all(names.map(cidOf))
  const blocks = new Map(cids.map((cid, i) => [cid.toString(), new TextEncoder().encode(names[i])]))
  const network = new DroppingPeers(clock, blocks)
  const finder = finderOf(init.spare ? ['spare'] : [])
  // Announcing stored blocks would count as lookups on the finder.
  const client = clientFixture({ clock, network, finder, config: { announceBlocks: false } })
  network.client = client
  client.start()
  network.reachable.add('seed')
  if (init.spare) network.reachable.add('spare')
  await network.connect('seed')
  network.dropAfter.set('seed', 3)
  let droppedAt: number | undefined
  const drop = network.drop.bind(network)
  network.drop = peer => {
    droppedAt ??= clock.now()
    if (!init.seedReachable) network.reachable.delete(peer)
    drop(peer)
  }
  const caller = new AbortController()
  const timer = clock.setTimeout(() => { caller.abort(new Error('the caller gave up')) }, CALLER_TIMEOUT)
  const session = client.createSession({ providers: ['seed'] })
  let got = 0
  let error: unknown
  await clock.run(async () => {
    try {
      for await (const _ of session.getBlocks(cids, { signal: caller.signal })) got++
    } catch (err) {
      error = err
    }
  }, { maxTime: 2 * CALLER_TIMEOUT })
  timer.cancel()
  const afterDrop = clock.now() - (droppedAt ?? NaN)
  session.close()
  client.stop()
  return { got, error, afterDrop, network, client }
}

describe('Session: all of its peers lost', () => {
  it('finds another provider at once when its only peer drops the connection, and completes', async () => {
    const { got, error, afterDrop } = await fetchWhileSeedDrops({ seedReachable: false, spare: true })
    assert.equal(error, undefined)
    assert.equal(got, 10)
    // Before the idle tick (1 s) would have looked: the loss itself starts the search.
    assert.ok(afterDrop < 500, `completed ${afterDrop} ms after the drop`)
  })

  it('dials a peer that closed the connection again, and completes', async () => {
    const { got, error, network } = await fetchWhileSeedDrops({ seedReachable: true, spare: false })
    assert.equal(error, undefined)
    assert.equal(got, 10)
    assert.ok(network.dials.filter(peer => peer === 'seed').length >= 2, 'the seed was dialled again')
  })

  it('fails with an error naming a wanted CID when nobody can be found, long before the caller gives up', async () => {
    const { got, error, afterDrop, network } = await fetchWhileSeedDrops({ seedReachable: false, spare: false })
    assert.equal(got, 3)
    assert.ok(error instanceof PeersLostError, `failed with ${String(error)}`)
    assert.equal(error.code, 'ERR_PEERS_LOST')
    assert.match(error.message, new RegExp(error.cid.toString()))
    assert.deepEqual(error.peers, ['seed'])
    assert.ok(afterDrop < 5000, `failed ${afterDrop} ms after the drop`)
    // Redials are bounded: the lost peer is not dialled over and over.
    assert.ok(network.dials.filter(peer => peer === 'seed').length <= 3)
  })
})
