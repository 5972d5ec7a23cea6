import { MissingPluginError } from './errors.js'
import { randomPlugin, systemClockPlugin } from './clock/plugins.js'
import { nullProviderFinder } from './null/null-provider-finder.js'
import { blockstorePlugin } from './blockstore-plugin.js'
import type { Blockstore } from './interfaces/blockstore.js'
import type { SlotPlugins } from './slots.js'

/** A set of plugins for some slots, such as `goDefaults()` from `@swapwright/strategies`. */
export type Preset = Partial<SlotPlugins>

/*
 * The shipped policies live in @swapwright/strategies and the default store in @swapwright/stores; both depend
 * on core for its contracts. Loading them here by name at start (instead of a static import) keeps the build
 * graph acyclic while `createBitswap()` still defaults every slot to the shipped default.
 */
const STRATEGIES = '@swapwright/strategies'
const STORES = '@swapwright/stores'

async function load (specifier: string, slots: string): Promise<Record<string, unknown>> {
  try {
    return await import(specifier)
  } catch (err) {
    throw new MissingPluginError(slots, `the default comes from ${specifier}, which could not be loaded (${(err as Error).message}); install it or pass a plugin for the slot`)
  }
}

function call<T> (module: Record<string, unknown>, factory: string, specifier: string, slots: string): T {
  const fn = module[factory]
  if (typeof fn !== 'function') {
    throw new MissingPluginError(slots, `${specifier} has no ${factory}() export`)
  }
  return fn()
}

/** The default for every slot but the network, which has no sensible default and must be given. */
export async function loadDefaultPlugins (needed: ReadonlySet<string>): Promise<Preset> {
  const preset: Preset = {
    clock: systemClockPlugin(),
    random: randomPlugin(),
    providerFinder: nullProviderFinder()
  }
  const strategySlots = ['requestSplitter', 'peerSelector', 'decisionStrategy'].filter(slot => needed.has(slot))
  if (strategySlots.length > 0) {
    const label = strategySlots.join(', ')
    Object.assign(preset, call<Preset>(await load(STRATEGIES, label), 'goDefaults', STRATEGIES, label))
  }
  if (needed.has('blockstore')) {
    preset.blockstore = blockstorePlugin(call<Blockstore>(await load(STORES, 'blockstore'), 'memoryBlockstore', STORES, 'blockstore'))
  }
  return preset
}
