import { defineScenario, realWorldNetwork, type Scenario } from '../src/index.js'

/** A real-world profile shrunk to a dozen nodes, so seed-dependent draws matter and a run takes a moment. */
export function smallRealWorld (): Scenario {
  return defineScenario({
    name: 'Test/12Nodes-AllToAll-BigBatch-Average',
    nodes: 12,
    blocks: 30,
    blockSize: 8000,
    distribution: 'allToAll',
    fetch: 'batchFetchAll',
    network: realWorldNetwork('average')
  })
}
