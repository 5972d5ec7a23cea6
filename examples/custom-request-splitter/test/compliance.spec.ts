import { describe, it } from 'node:test'
import { requestSplitterCases } from '@swapwright/compliance/request-splitter'
import { PairSplitter } from '../src/pair-splitter.js'

// The published RequestSplitter contract, one test per case: `npm test -w examples/custom-request-splitter`.
describe('pair-splitter keeps the RequestSplitter contract', () => {
  for (const c of requestSplitterCases(() => new PairSplitter())) it(c.name, c.run)
})
