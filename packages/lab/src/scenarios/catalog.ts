import { datacenterNetwork, fixedDelayNetwork, realWorldNetwork } from './networks.js'
import { defineScenario, type Scenario } from './scenario.js'
import type { DistributionName } from './distributions.js'
import type { FetchPatternName } from './fetch-patterns.js'

/** Block sizes of the Go suite. */
export const STD_BLOCK_SIZE = 8000
export const ROOT_BLOCK_SIZE = 800
export const LARGE_BLOCK_SIZE = 256 * 1024

type Row = [name: string, nodes: number, blocks: number, distribution: DistributionName, fetch: FetchPatternName]

/**
 * BenchmarkFixedDelay: 10 ms on every link, no bandwidth limit. "Overlap3" scenarios use the overlap2
 * distribution (the old overlap3 was removed, the names stayed).
 */
const FIXED_DELAY: Row[] = [
  ['3Nodes-AllToAll-OneAtATime', 3, 100, 'allToAll', 'oneAtATime'],
  ['3Nodes-AllToAll-BigBatch', 3, 100, 'allToAll', 'batchFetchAll'],
  ['3Nodes-Overlap1-OneAtATime', 3, 100, 'overlap1', 'oneAtATime'],
  ['3Nodes-Overlap3-OneAtATime', 3, 100, 'overlap2', 'oneAtATime'],
  ['3Nodes-Overlap3-BatchBy10', 3, 100, 'overlap2', 'batchFetchBy10'],
  ['3Nodes-Overlap3-AllConcurrent', 3, 100, 'overlap2', 'fetchAllConcurrent'],
  ['3Nodes-Overlap3-BigBatch', 3, 100, 'overlap2', 'batchFetchAll'],
  ['3Nodes-Overlap3-UnixfsFetch', 3, 100, 'overlap2', 'unixfsFileFetch'],
  ['10Nodes-AllToAll-OneAtATime', 10, 100, 'allToAll', 'oneAtATime'],
  ['10Nodes-AllToAll-BatchFetchBy10', 10, 100, 'allToAll', 'batchFetchBy10'],
  ['10Nodes-AllToAll-BigBatch', 10, 100, 'allToAll', 'batchFetchAll'],
  ['10Nodes-AllToAll-AllConcurrent', 10, 100, 'allToAll', 'fetchAllConcurrent'],
  ['10Nodes-AllToAll-UnixfsFetch', 10, 100, 'allToAll', 'unixfsFileFetch'],
  ['10Nodes-AllToAll-UnixfsFetchLarge', 10, 1000, 'allToAll', 'unixfsFileFetchLarge'],
  ['10Nodes-OnePeerPerBlock-OneAtATime', 10, 100, 'onePeerPerBlock', 'oneAtATime'],
  ['10Nodes-OnePeerPerBlock-BigBatch', 10, 100, 'onePeerPerBlock', 'batchFetchAll'],
  ['10Nodes-OnePeerPerBlock-UnixfsFetch', 10, 100, 'onePeerPerBlock', 'unixfsFileFetch'],
  ['200Nodes-AllToAll-BigBatch', 200, 20, 'allToAll', 'batchFetchAll']
]

/** BenchmarkFetchFromOldBitswap: one 1.2.0 fetcher, two seeds that speak only 1.1.0; 10 blocks, 10 ms. */
const OLD_BITSWAP: Row[] = [
  ['3Nodes-Overlap3-OneAtATime', 3, 10, 'overlap2', 'oneAtATime'],
  ['3Nodes-AllToAll-OneAtATime', 3, 10, 'allToAll', 'oneAtATime'],
  ['3Nodes-Overlap3-AllConcurrent', 3, 10, 'overlap2', 'fetchAllConcurrent']
]

function fixedDelay (): Scenario[] {
  return FIXED_DELAY.map(([name, nodes, blocks, distribution, fetch]) => defineScenario({
    name: `FixedDelay/${name}`, nodes, blocks, blockSize: STD_BLOCK_SIZE, distribution, fetch, network: fixedDelayNetwork(10)
  }))
}

function fromOldBitswap (): Scenario[] {
  return OLD_BITSWAP.map(([name, nodes, blocks, distribution, fetch]) => defineScenario({
    name: `FetchFromOldBitswap/${name}`,
    nodes,
    blocks,
    blockSize: STD_BLOCK_SIZE,
    distribution,
    fetch,
    network: fixedDelayNetwork(10),
    seedVersion: '1.1.0',
    description: `1.2.0 fetcher, ${nodes - 1} seeds speaking only 1.1.0 (no presences, so no DONT_HAVE), ${blocks} blocks, ${distribution}, ${fetch}`
  }))
}

/** BenchmarkRealWorld: 300 nodes (despite the names), 200 blocks, everyone has everything, one big batch. */
function realWorld (): Scenario[] {
  const profiles = [['FastNetwork', 'fast'], ['AverageVariableSpeedNetwork', 'average'], ['SlowVariableSpeedNetwork', 'slow']] as const
  return profiles.map(([suffix, profile]) => defineScenario({
    name: `RealWorld/200Nodes-AllToAll-BigBatch-${suffix}`,
    nodes: 300,
    blocks: 200,
    blockSize: STD_BLOCK_SIZE,
    distribution: 'allToAll',
    fetch: 'batchFetchAll',
    network: realWorldNetwork(profile)
  }))
}

/** BenchmarkDatacenter and BenchmarkDatacenterMultiLeechMultiSeed: 256 KiB blocks, 25 ms blockstore on the seeds. */
function datacenter (): Scenario[] {
  return [
    defineScenario({
      name: 'Datacenter/3Nodes-Overlap3-UnixfsFetch',
      nodes: 3,
      blocks: 100,
      blockSize: LARGE_BLOCK_SIZE,
      distribution: 'allToAll',
      fetch: 'unixfsFileFetch',
      network: datacenterNetwork(),
      description: 'named Overlap3 in the Go suite but allToAll; 100 blocks of 256 KiB, unixfsFileFetch'
    }),
    defineScenario({
      name: 'DatacenterMultiLeechMultiSeed/3Leech3Seed-AllToAll-UnixfsFetch',
      nodes: 6,
      fetchers: 3,
      blocks: 1000,
      blockSize: LARGE_BLOCK_SIZE,
      // the Go suite gives this one no small root block
      rootBlockSize: 0,
      distribution: 'allToAll',
      fetch: 'unixfsFileFetchLarge',
      network: datacenterNetwork(),
      description: '3 leeches fetching at once from 3 seeds, 1000 blocks of 256 KiB, unixfsFileFetchLarge'
    })
  ]
}

/** Every scenario of the Go benchmark suite, under `Group/Name`. */
export function goScenarios (): Scenario[] {
  return [...fixedDelay(), ...fromOldBitswap(), ...realWorld(), ...datacenter()]
}
