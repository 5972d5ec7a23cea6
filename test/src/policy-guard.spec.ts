import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { factoryPlugin, type PolicySlot, type Plugin } from '@swapwright/core'
import { BoxoBroadcastControl, FairDecisionStrategy, OptimisticRequestSplitter, PresencePeerSelector } from '@swapwright/strategies'
import { makeBlocks, type TestBlock } from './util/blocks.js'
import { serverHarness } from './util/server-harness.js'
import { Swarm } from './util/swarm.js'
import { addressesOf } from './util/libp2p-node.js'
import { sameBytes, startSwapwright } from './util/swapwright-node.js'

/**
 * Wraps a policy so that one member throws: `forSession` on the policy, or `session.<m>` on what forSession
 * returns (e.g. `session.rank`). Every other member behaves as the real policy.
 */
function throwing<T extends object> (policy: T, member: string): T {
  const [where, name] = member.startsWith('session.') ? ['session', member.slice(8)] : ['policy', member]
  const boom = (): never => { throw new Error(`${member} is broken on purpose`) }
  const trap = <U extends object>(target: U, throwOn: string | undefined): U => new Proxy(target, {
    get (t, p) {
      if (p === throwOn) {
        if (p === 'maxLiveWants') return boom()
        return boom
      }
      if (where === 'session' && p === 'forSession') {
        return (...args: unknown[]) => trap((t as any).forSession(...args), name)
      }
      const value = Reflect.get(t, p, t)
      return typeof value === 'function' ? value.bind(t) : value
    }
  })
  return trap(policy, where === 'policy' ? name : undefined)
}

type Case = { slot: PolicySlot, member: string }

function plugin ({ slot, member }: Case): Plugin<any> {
  const name = `broken-${member}`
  switch (slot) {
    case 'peerSelector':
      return factoryPlugin(name, c => throwing(new PresencePeerSelector(c.random), member))
    case 'requestSplitter':
      return factoryPlugin(name, () => throwing(new OptimisticRequestSplitter(), member))
    case 'decisionStrategy':
      return factoryPlugin(name, c => throwing(new FairDecisionStrategy(c.random), member))
    case 'broadcastPolicy':
      // boxo's rule would ask nobody here (no peer has answered yet): the fetch needs the guard's fallback.
      return factoryPlugin(name, c => throwing(new BoxoBroadcastControl(c.random), member))
  }
}

async function fetchAll (swarm: Swarm, node: Swarm['nodes'][number], blocks: TestBlock[]): Promise<void> {
  const session = node.node.createSession()
  const got = new Map<string, Uint8Array>()
  for await (const { cid, bytes } of session.getBlocks(blocks.map(b => b.cid))) got.set(cid.toString(), bytes)
  session.close()
  for (const block of blocks) assert.ok(sameBytes(got.get(block.cid.toString()), block.data), `${node.name} got ${block.cid}`)
}

const CASES: Case[] = [
  { slot: 'peerSelector', member: 'forSession' },
  { slot: 'peerSelector', member: 'session.rank' },
  { slot: 'peerSelector', member: 'session.observe' },
  { slot: 'requestSplitter', member: 'forSession' },
  { slot: 'requestSplitter', member: 'session.split' },
  { slot: 'requestSplitter', member: 'session.observe' },
  { slot: 'requestSplitter', member: 'session.maxLiveWants' },
  { slot: 'decisionStrategy', member: 'compareTasks' },
  { slot: 'decisionStrategy', member: 'answerWantHave' },
  { slot: 'decisionStrategy', member: 'observe' },
  { slot: 'broadcastPolicy', member: 'select' },
  { slot: 'broadcastPolicy', member: 'observe' }
]

describe('policy guard: a throwing policy is counted and replaced, and the node goes on', () => {
  for (const c of CASES) {
    it(`${c.slot}.${c.member} throws: every block still arrives, the node still serves, stats() counts it`, async () => {
      const blocks = [...await makeBlocks(60, 16_384, 71), ...await makeBlocks(8, 512, 72)]
      const server = c.slot === 'decisionStrategy'
      const broken = { [c.slot]: plugin(c) }
      // A small ledger makes the server evict; one worker on slow links, two seeds and two fetchers make it
      // order peers and tasks.
      const seedOptions = server ? { maxWantsPerPeer: c.member === 'evict' ? 16 : 1024, taskWorkerCount: 1, ...broken } : {}
      const swarm = new Swarm({ latency: 10, bandwidth: server ? 4_000_000 : Infinity })
      const seeds = [await swarm.add('s1', { blocks, options: seedOptions }), await swarm.add('s2', { blocks, options: seedOptions })]
      const fetcher = await swarm.add('f1', { options: server ? {} : broken })
      const other = await swarm.add('f2')
      await swarm.connectAll()
      await swarm.run(async () => Promise.all([fetchAll(swarm, fetcher, blocks), fetchAll(swarm, other, blocks)]))

      const failing = server ? seeds : [fetcher]
      const failures = failing.reduce((sum, n) => sum + n.node.stats().policyFailures[c.slot], 0)
      assert.ok(failures > 0, `the failures of ${c.member} are counted`)
      for (const n of swarm.nodes) {
        for (const slot of ['peerSelector', 'requestSplitter', 'decisionStrategy', 'broadcastPolicy'] as const) {
          if (slot !== c.slot) assert.equal(n.node.stats().policyFailures[slot], 0, `${n.name}: nothing else failed`)
        }
      }
      if (!server) {
        // The node with the broken client policy still serves what it fetched.
        const late = await swarm.add('late', { announce: false })
        await swarm.run(async () => late.node.components.network.connect('f1'))
        await swarm.run(async () => fetchAll(swarm, late, blocks.slice(0, 8)))
      }
      console.log(`${c.slot}.${c.member}: ${failures} failures, ${fetcher.node.stats().client.duplicateBlocks} duplicate blocks at f1`)
      // Sends on slow links finish in virtual time: stop inside the run.
      await swarm.run(async () => swarm.stop())
    })
  }

  // Ordering peers and evicting wants happen only when the server has a backlog: raw peers that ask for
  // everything at once and a slow blockstore make one, whatever the fetching client's pacing.
  it('decisionStrategy.comparePeers throws: two backlogged peers still get every block, stats() counts it', async () => {
    const blocks = await makeBlocks(40, 16_384, 74)
    const h = await serverHarness({ blocks, peers: 2, taskWorkerCount: 1, readDelay: 5, decisionStrategy: plugin({ slot: 'decisionStrategy', member: 'comparePeers' }) })
    for (const p of h.peers) await p.want('server', blocks.map(b => ({ cid: b.cid })))
    await h.settle()
    for (const p of h.peers) assert.deepEqual((await p.blockCids()).sort(), blocks.map(b => b.cid.toString()).sort())
    assert.ok(h.server.stats().policyFailures.decisionStrategy > 0, 'the failures of comparePeers are counted')
  })

  it('decisionStrategy.evict throws: a full ledger refuses the newest wants, the server goes on serving, stats() counts it', async () => {
    const blocks = await makeBlocks(41, 4096, 75)
    // Replies of Go's 16 KiB: four blocks a reply, so the first message's wants are still in the ledger when the
    // second arrives (a 64 KiB reply would take all twelve at once and leave nothing to choose among).
    const h = await serverHarness({ blocks, peers: 1, maxWantsPerPeer: 16, taskWorkerCount: 1, targetMessageSize: 16 * 1024, readDelay: 50, decisionStrategy: plugin({ slot: 'decisionStrategy', member: 'evict' }) })
    const [p] = h.peers
    // Two messages while the first one's wants still wait on the slow store: together they overfill the ledger.
    await p.want('server', blocks.slice(0, 12).map(b => ({ cid: b.cid })))
    await p.want('server', blocks.slice(12, 40).map(b => ({ cid: b.cid })))
    await h.settle()
    assert.ok(h.server.stats().policyFailures.decisionStrategy > 0, 'the failures of evict are counted')
    const served = (await p.blockCids()).length
    assert.ok(served >= 16 && served <= 40, `the wants the ledger kept were served (${served})`)
    await p.want('server', [{ cid: blocks[40].cid }])
    await h.settle()
    assert.ok((await p.blockCids()).includes(blocks[40].cid.toString()), 'a later want is still served')
  })

  it('under the system clock over real libp2p, throwing policies on both sides never become uncaught exceptions', async () => {
    const uncaught: unknown[] = []
    const onUncaught = (err: unknown): void => { uncaught.push(err) }
    process.on('uncaughtException', onUncaught)
    const blocks = await makeBlocks(24, 8192, 73)
    const seed = await startSwapwright({ blocks, options: { decisionStrategy: plugin({ slot: 'decisionStrategy', member: 'compareTasks' }) } })
    const fetcher = await startSwapwright({ options: { peerSelector: plugin({ slot: 'peerSelector', member: 'session.rank' }) } })
    try {
      await fetcher.network.connect({ peer: seed.key, addresses: addressesOf(seed.libp2p) })
      const session = fetcher.node.createSession({ providers: [seed.key] })
      const got = new Map<string, Uint8Array>()
      for await (const { cid, bytes } of session.getBlocks(blocks.map(b => b.cid), { signal: AbortSignal.timeout(30_000) })) got.set(cid.toString(), bytes)
      session.close()
      for (const block of blocks) assert.ok(sameBytes(got.get(block.cid.toString()), block.data))
      assert.ok(seed.node.stats().policyFailures.decisionStrategy > 0)
      assert.ok(fetcher.node.stats().policyFailures.peerSelector > 0)
      assert.deepEqual(uncaught, [])
    } finally {
      process.off('uncaughtException', onUncaught)
      await fetcher.stop()
      await seed.stop()
    }
  })
})
