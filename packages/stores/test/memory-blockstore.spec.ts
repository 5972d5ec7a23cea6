import { memoryBlockstore } from '../src/index.js'
import { blockstoreCompliance } from './compliance.js'

blockstoreCompliance('memory', async () => ({ store: memoryBlockstore(), teardown: async () => {} }))
