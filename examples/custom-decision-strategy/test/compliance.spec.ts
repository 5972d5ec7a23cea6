import { describe, it } from 'node:test'
import { decisionStrategyCases } from '@swapwright/compliance/decision-strategy'
import { ShortestBacklogFirst } from '../src/shortest-backlog-first.js'

// The published DecisionStrategy contract, one test per case: `npm test -w examples/custom-decision-strategy`.
describe('shortest-backlog-first keeps the DecisionStrategy contract', () => {
  for (const c of decisionStrategyCases(() => new ShortestBacklogFirst())) it(c.name, c.run)
})
