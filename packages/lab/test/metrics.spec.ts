import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { adaptiveRequestSplitter, go2019, goDefaults } from '@swapwright/strategies'
import { checkConsistency, defineScenario, goScenarios, runScenario, selectScenarios, type RunResult } from '../src/index.js'

async function run (name: string): Promise<RunResult> {
  const [scenario] = selectScenarios(goScenarios(), [name])
  return runScenario(scenario, 'goDefaults', goDefaults, 1)
}

describe('lab: metrics', () => {
  it('add up: every block wanted arrives once, plus the duplicates, as the network carried them', async () => {
    for (const name of ['FixedDelay/3Nodes-Overlap3-BigBatch', 'FixedDelay/3Nodes-AllToAll-BigBatch', 'FetchFromOldBitswap/3Nodes-Overlap3-AllConcurrent']) {
      const r = await run(name)
      assert.equal(r.ok, true, `${name}: ${r.error ?? ''}`)
      assert.deepEqual(r.inconsistencies, [], name)
      assert.equal(r.uniqueBlocks, r.blocksRequested, name)
      assert.equal(r.blocksReceived, r.uniqueBlocks + r.duplicateBlocks, name)
      // the fetcher is the only node that wants anything, so every block on the wire went to it
      assert.equal(r.traffic.blocks, r.blocksReceived, name)
      assert.equal(r.traffic.messages, r.messagesSent + r.messagesReceived, name)
      assert.ok(r.bytesReceived > r.blocksRequested * 700, name)
      assert.ok(r.timeMs > 0, name)
    }
  })

  it('counts wants and presences by kind: 1.2.0 seeds answer with HAVE and DONT_HAVE, 1.1.0 seeds cannot', async () => {
    const modern = await run('FixedDelay/3Nodes-Overlap3-OneAtATime')
    assert.ok(modern.traffic.wantHaves > 0 && modern.traffic.wantBlocks > 0)
    assert.ok(modern.traffic.haves > 0 && modern.traffic.dontHaves > 0)
    assert.ok(modern.traffic.cancels > 0)
    const old = await run('FetchFromOldBitswap/3Nodes-Overlap3-OneAtATime')
    assert.equal(old.seed, 1)
    assert.deepEqual([old.traffic.wantHaves, old.traffic.haves, old.traffic.dontHaves], [0, 0, 0], 'no presences on 1.1.0 links')
    assert.ok(old.traffic.wantBlocks >= old.blocksRequested)
  })

  it('keeps duplicates at or under 5 % for a small scenario under goDefaults()', async () => {
    const r = await run('FixedDelay/3Nodes-AllToAll-OneAtATime')
    assert.ok(r.ok)
    assert.ok(r.duplicateBlocks / r.blocksReceived <= 0.05, `${r.duplicateBlocks} duplicates in ${r.blocksReceived} blocks`)
  })

  it('measures the first block, success over the available roots, messages per root and broadcast WANT_HAVEs', async () => {
    const r = await run('FixedDelay/3Nodes-AllToAll-BigBatch')
    // one 10 ms hop out, one back
    assert.equal(r.timeToFirstBlockMs, 20)
    assert.deepEqual([r.rootsAvailable, r.rootsFound, r.success], [100, 100, 1])
    assert.equal(r.messagesPerRoot, r.traffic.messages / 100)
    // the session knows no peer at first: its first wants go to both seeds as broadcast WANT_HAVEs
    assert.ok(r.traffic.broadcastWantHaves > 0 && r.traffic.broadcastWantHaves <= r.traffic.wantHaves, JSON.stringify(r.traffic))
    const series = r.blocksOverTime
    assert.deepEqual(series[0], [20, 1])
    assert.deepEqual(series[series.length - 1], [r.timeMs, 100])
    for (let i = 1; i < series.length; i++) assert.ok(series[i][0] >= series[i - 1][0] && series[i][1] > series[i - 1][1])
    const old = await run('FetchFromOldBitswap/3Nodes-AllToAll-OneAtATime')
    assert.equal(old.traffic.broadcastWantHaves, 0, '1.1.0 seeds are sent no WANT_HAVE at all')
  })

  it('counts only the roots some seed holds as available, and a fetch of a missing one as failed', async () => {
    const scenario = defineScenario({
      name: 'Test/OneMissing',
      nodes: 3,
      blocks: 10,
      blockSize: 1000,
      // block 9 is on no seed
      distribution: { name: 'lastMissing', assign: seeds => Array.from({ length: seeds }, () => [0, 1, 2, 3, 4, 5, 6, 7, 8]) },
      fetch: 'oneAtATime'
    })
    const r = await runScenario(scenario, 'goDefaults', goDefaults, 1, { maxTime: 5000 })
    assert.equal(r.ok, false)
    assert.deepEqual([r.rootsAvailable, r.rootsFound, r.success], [9, 9, 1])
    assert.equal(r.blocksOverTime[r.blocksOverTime.length - 1][1], 9)
  })

  it('go2019 splits between both seeds once the second seed\'s duplicate enlists it, as the 2019 session did', async () => {
    const [scenario] = selectScenarios(goScenarios(), ['FixedDelay/3Nodes-AllToAll-OneAtATime'])
    const joined = await runScenario(scenario, 'go2019', go2019, 1)
    const apart = await runScenario(scenario, 'go2019 without', () => ({ ...go2019(), requestSplitter: adaptiveRequestSplitter({ duplicateSendersJoin: false }) }), 1)
    for (const r of [joined, apart]) assert.deepEqual(r.inconsistencies, [], r.strategy)
    // without: the first copy's sender is the session's only peer, and only the first broadcast brings a second copy
    assert.equal(apart.duplicateBlocks, 1)
    // with: the split falls to 1 whenever duplicates are rare, so both seeds are asked and both answer
    assert.ok(joined.duplicateBlocks > 20, `${joined.duplicateBlocks} duplicates`)
    assert.ok(joined.traffic.wantBlocks > apart.traffic.wantBlocks + 20)
  })

  it('reports each broken identity in words', () => {
    const good = { blocksRequested: 10, uniqueBlocks: 10, duplicateBlocks: 2, blocksDelivered: 12, clientBlocks: 12, clientDuplicates: 2 }
    assert.deepEqual(checkConsistency(good, true), [])
    assert.equal(checkConsistency({ ...good, uniqueBlocks: 9 }, true).length, 2)
    assert.match(checkConsistency({ ...good, blocksDelivered: 13 }, true).join(), /network delivered 13/)
    assert.match(checkConsistency({ ...good, clientDuplicates: 3 }, true).join(), /clients 3/)
    // a failed run is not expected to have every block
    assert.deepEqual(checkConsistency({ ...good, uniqueBlocks: 5, blocksDelivered: 7, clientBlocks: 7 }, false), [])
  })
})
