import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Plugin, Preset } from '@swapwright/core'
import { go2019, goDefaults } from '../src/index.js'
import { resolvePlugin, seeded } from './fixtures.js'

const names = (preset: Preset): Record<string, string | undefined> => ({
  requestSplitter: preset.requestSplitter?.name,
  peerSelector: preset.peerSelector?.name,
  decisionStrategy: preset.decisionStrategy?.name
})

describe('presets', () => {
  it('goDefaults() fills the policy slots with the current Go behaviour', () => {
    assert.deepEqual(names(goDefaults()), {
      requestSplitter: 'optimistic-request-splitter',
      peerSelector: 'presence-peer-selector',
      decisionStrategy: 'fair-decision-strategy'
    })
  })

  it('go2019() fills them with the 2019 design', () => {
    assert.deepEqual(names(go2019()), {
      requestSplitter: 'adaptive-request-splitter',
      peerSelector: 'latency-peer-selector',
      decisionStrategy: 'active-work-decision-strategy'
    })
  })

  it('builds every plugin into the object its name says, from the random source alone', () => {
    for (const preset of [goDefaults(), go2019()]) {
      for (const plugin of Object.values(preset) as Array<Plugin<{ name: string }>>) {
        assert.equal(resolvePlugin(plugin, seeded(1)).name, plugin.name)
      }
    }
  })

  it('gives every node its own instance', () => {
    const plugin = goDefaults().peerSelector
    assert.notEqual(resolvePlugin(plugin, seeded(1)), resolvePlugin(plugin, seeded(1)))
  })

  it('is what core finds when it loads the package by name', async () => {
    const loaded = await import('@swapwright/strategies') as { goDefaults?: () => Preset }
    assert.equal(typeof loaded.goDefaults, 'function')
    assert.deepEqual(names(loaded.goDefaults!()), names(goDefaults()))
  })
})
