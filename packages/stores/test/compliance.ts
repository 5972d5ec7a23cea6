import { describe, it } from 'node:test'
import { blockstoreCases, type StoreUnderTest } from '@swapwright/compliance/blockstore'

/** The published blockstore suite as node:test cases: a fresh store from `factory` for each. */
export function blockstoreCompliance (name: string, factory: () => Promise<StoreUnderTest>): void {
  describe(`blockstore compliance: ${name}`, () => {
    for (const c of blockstoreCases(factory)) it(c.name, c.run)
  })
}
