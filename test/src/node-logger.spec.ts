import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { blockstorePlugin, createBitswap, VirtualClock, clockPlugin } from '@swapwright/core'
import { MemoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { SimulatedNetwork } from '@swapwright/transports'
import type { ComponentLogger, Logger } from '@libp2p/interface'

/** A per-component logger that keeps every line it is given, by component, with every level enabled. */
function recordingLogger (): { logger: ComponentLogger, components: string[], lines: string[] } {
  const components: string[] = []
  const lines: string[] = []
  const make = (name: string): Logger => {
    const line = (level: string) => (formatter: unknown, ...args: unknown[]): void => { lines.push(`${name}${level} ${String(formatter)} ${args.map(String).join(' ')}`) }
    return Object.assign(line(''), {
      enabled: true,
      error: Object.assign(line(':error'), { enabled: true }),
      trace: Object.assign(line(':trace'), { enabled: true }),
      newScope: (scope: string) => make(`${name}:${scope}`)
    }) as Logger
  }
  return { logger: { forComponent: (name: string) => { components.push(name); return make(name) } }, components, lines }
}

describe('the node logs through the logger it is given', () => {
  it('each part asks it for its own component, and the node\'s lines reach it', async () => {
    const clock = new VirtualClock()
    const network = new SimulatedNetwork({ clock })
    const recording = recordingLogger()
    const node = createBitswap({
      network: network.plugin('a'),
      blockstore: blockstorePlugin(new MemoryBlockstore()),
      clock: clockPlugin(clock),
      logger: recording.logger,
      ...goDefaults()
    })
    for (const part of ['node', 'client', 'decision-engine', 'blockstore-manager', 'provider-query-manager', 'policy-guard']) {
      assert.ok(recording.components.includes(`swapwright:core:${part}`), `swapwright:core:${part} was asked for (${recording.components.join(', ')})`)
    }
    await node.start()
    await node.stop()
    assert.ok(recording.lines.some(line => line.startsWith('swapwright:core:node started')), recording.lines.join('\n'))
    assert.ok(recording.lines.some(line => line.startsWith('swapwright:core:node stopped')), recording.lines.join('\n'))
  })
})
