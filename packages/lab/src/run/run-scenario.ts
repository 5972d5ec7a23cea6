import { errorMessage } from '@swapwright/core'
import { checkConsistency, micro, type RunResult } from './metrics.js'
import { LabSwarm, type StrategySet } from './lab-swarm.js'
import { ProgressRecorder } from './progress-recorder.js'
import type { Bitswap, Session } from '@swapwright/core'
import type { CID } from 'multiformats/cid'
import type { Scenario } from '../scenarios/scenario.js'

export interface RunOptions {
  /** Virtual ms a fetch may take before the run is declared stalled (default 10 minutes). */
  maxTime?: number
}

const DEFAULT_MAX_TIME = 10 * 60_000
/** Virtual ms the network may take to fall quiet after the fetch. */
const MAX_DRAIN = 60_000

/**
 * Runs one scenario once: builds the swarm, fetches through one session per fetcher, then lets blocks still
 * on their way land (they are the late duplicates a real node would also receive) before reading the
 * counters. Time is measured to the moment the last fetcher had every block.
 */
export async function runScenario (scenario: Scenario, strategyName: string, strategy: StrategySet, seed: number, options: RunOptions = {}): Promise<RunResult> {
  const swarm = new LabSwarm(scenario, seed)
  await swarm.start(strategy)
  const { clock, network } = swarm
  const cids = swarm.blocks.map(block => block.cid)
  const sessions: Session[] = swarm.fetchers.map(({ node }) => node.createSession())
  const start = clock.now()
  const progress = new ProgressRecorder(clock, start)
  let finished = start
  let error: string | undefined
  try {
    await clock.run(Promise.all(sessions.map(async session => {
      await scenario.fetch.fetch(progress.watch(session), cids)
      finished = Math.max(finished, clock.now())
    })), { maxTime: options.maxTime ?? DEFAULT_MAX_TIME })
  } catch (err) {
    error = errorMessage(err)
    finished = clock.now()
  }
  await drain(swarm)

  const fetcherNames = new Set(swarm.fetchers.map(f => f.name))
  let messagesSent = 0
  let messagesReceived = 0
  let bytesSent = 0
  let bytesReceived = 0
  for (const link of network.linkStats()) {
    if (fetcherNames.has(link.from)) {
      messagesSent += link.messages
      bytesSent += link.bytes
    }
    if (fetcherNames.has(link.to)) {
      messagesReceived += link.messages - link.dropped
      bytesReceived += link.bytes
    }
  }
  const sessionStats = sessions.map(session => session.stats())
  const clientStats = swarm.fetchers.map(({ node }) => node.stats().client)
  const uniqueBlocks = sum(sessionStats.map(s => s.blocksReceived))
  const duplicateBlocks = sum(sessionStats.map(s => s.duplicateBlocks))
  const blocksRequested = cids.length * swarm.fetchers.length
  const inconsistencies = checkConsistency({
    blocksRequested,
    uniqueBlocks,
    duplicateBlocks,
    blocksDelivered: sum(swarm.fetchers.map(f => swarm.counter.blocksDeliveredTo(f.name))),
    clientBlocks: sum(clientStats.map(c => c.blocksReceived + c.duplicateBlocks + c.unwantedBlocks + c.invalidBlocks)),
    clientDuplicates: sum(clientStats.map(c => c.duplicateBlocks))
  }, error == null)

  const traffic = { ...swarm.counter.total }
  // after every counter is read: a slow seed store's reads move the clock on
  const roots = await clock.run(countRoots(swarm, cids))

  for (const session of sessions) session.close()
  await swarm.stop()
  return {
    scenario: scenario.name,
    strategy: strategyName,
    seed,
    ok: error == null,
    ...(error == null ? {} : { error }),
    timeMs: micro(finished - start),
    blocksRequested,
    blocksReceived: uniqueBlocks + duplicateBlocks,
    uniqueBlocks,
    duplicateBlocks,
    messagesSent,
    messagesReceived,
    bytesSent,
    bytesReceived,
    timeToFirstBlockMs: progress.firstBlockMs == null ? null : micro(progress.firstBlockMs),
    ...roots,
    success: roots.rootsAvailable === 0 ? 1 : roots.rootsFound / roots.rootsAvailable,
    messagesPerRoot: roots.rootsFound === 0 ? null : traffic.messages / roots.rootsFound,
    blocksOverTime: progress.series(),
    traffic,
    inconsistencies,
    clockGuardTrips: swarm.nodeClock.trips
  }
}

/**
 * Roots some seed held, and of those the ones each fetcher holds at the end, summed over the fetchers. Every
 * requested block counts as a root: a scenario whose seeds lack some has roots nobody can find.
 */
async function countRoots (swarm: LabSwarm, cids: readonly CID[]): Promise<{ rootsAvailable: number, rootsFound: number }> {
  const held = async (node: Bitswap, cid: CID): Promise<boolean> => node.components.blockstore.has(cid)
  const available: CID[] = []
  for (const cid of cids) {
    for (const { node } of swarm.seeds) {
      if (await held(node, cid)) {
        available.push(cid)
        break
      }
    }
  }
  let rootsFound = 0
  for (const { node } of swarm.fetchers) {
    for (const cid of available) if (await held(node, cid)) rootsFound++
  }
  return { rootsAvailable: available.length * swarm.fetchers.length, rootsFound }
}

/**
 * Lets the network fall quiet: steps virtual time until no message has been in flight for a whole step. A
 * step covers a blockstore read, so a seed still reading a block for a late reply is waited for.
 */
async function drain (swarm: LabSwarm): Promise<void> {
  const { clock, network } = swarm
  const step = Math.max(20, 3 * (swarm.scenario.network.blockstoreLatency ?? 0))
  const until = clock.now() + MAX_DRAIN
  await clock.run(async () => {
    let quietSteps = 0
    while (quietSteps < 2 && clock.now() < until) {
      await clock.sleep(step)
      quietSteps = network.inFlight === 0 ? quietSteps + 1 : 0
    }
  })
}

function sum (values: number[]): number {
  return values.reduce((a, b) => a + b, 0)
}
