import { container as rootContainer, type DependencyContainer } from 'tsyringe'
import { Bitswap } from './bitswap.js'
import { buildComponents, checkPlugin } from './build-components.js'
import { BitswapClient } from './client/client.js'
import { randomPlugin, systemClockPlugin } from './clock/plugins.js'
import { resolveConfig, type BitswapConfig } from './config.js'
import { MissingPluginError } from './errors.js'
import { guardDecisionStrategy, guardPeerSelector, guardRequestSplitter, PolicyGuard } from './guard/index.js'
import { nullProviderFinder } from './null/null-provider-finder.js'
import { GuardedTokens, SLOTS, SLOT_NAMES, Tokens, type Components, type SlotName } from './registry.js'
import { DecisionEngine } from './server/decision-engine.js'
import { commonHashers } from './wire/hashers.js'
import { HasherRegistry } from './wire/verify.js'
import type { Preset, SlotPlugins } from './plugin.js'
import type { MultihashHasher } from 'multiformats/hashes/interface'

/**
 * A plugin for every slot. `network`, `blockstore` and the three policies are required (pass the policies one
 * by one, as `preset`, or spread a preset: `createBitswap({ network, blockstore, ...goDefaults() })`); `clock`,
 * `random` and `providerFinder` default to core's own system clock, OS-seeded randomness and null finder.
 */
export interface BitswapOptions extends Partial<SlotPlugins>, Partial<BitswapConfig> {
  /** Plugins for several slots at once (e.g. `go2019()`); a slot given on its own wins over the preset. */
  preset?: Preset
  /**
   * The hash functions blocks are verified with; a want for a CID hashed otherwise fails at once with
   * `UnknownHashError`. Default `commonHashers()`: sha2-256, sha2-512, blake2b-256, sha3-256, sha3-512, blake3.
   */
  hashers?: Iterable<MultihashHasher>
}

/** The only slots core fills itself: none of them needs a package core does not own. */
const CORE_DEFAULTS: Preset = {
  clock: systemClockPlugin(),
  random: randomPlugin(),
  providerFinder: nullProviderFinder()
}

/**
 * The one composition root. Gives the node its own child container, registers a plugin for every slot (the
 * option, else the preset, else core's default) and builds everything at once, so a missing or broken plugin
 * fails here with an error naming the slot and the plugin instead of in the middle of a transfer. Synchronous:
 * core imports no plugin package, so there is nothing to load.
 */
export function createBitswap (options: BitswapOptions): Bitswap {
  const config = Object.freeze(resolveConfig(options))
  const plugins = choosePlugins(options)
  const container = rootContainer.createChildContainer()
  container.register(Tokens.Config, { useValue: config })
  container.register(HasherRegistry, { useValue: new HasherRegistry(options.hashers ?? commonHashers()) })
  const built = buildComponents(container, plugins, config)
  const guard = registerGuardedPolicies(container, built.components, built.names, config)
  // Each part is resolved once here; nothing else asks the container for them, so there is one of each per node.
  const server = container.resolve(DecisionEngine)
  const client = container.resolve(BitswapClient)
  return new Bitswap({ components: built.components, config, server, client, guard, startOrder: built.owned })
}

function choosePlugins (options: BitswapOptions): SlotPlugins {
  const plugins: Partial<Record<SlotName, unknown>> = {}
  for (const slot of SLOT_NAMES) {
    const plugin = options[slot] ?? options.preset?.[slot] ?? CORE_DEFAULTS[slot]
    if (plugin == null) throw new MissingPluginError(slot, SLOTS[slot].hint)
    checkPlugin(slot, plugin)
    plugins[slot] = plugin
  }
  return plugins as SlotPlugins
}

/**
 * Every call the node makes into a policy goes through one guard: the node's parts resolve the guarded tokens,
 * so neither the client nor the server handles a throwing plugin itself.
 */
function registerGuardedPolicies (container: DependencyContainer, c: Components, names: Record<SlotName, string>, config: BitswapConfig): PolicyGuard {
  const guard = new PolicyGuard()
  container.register(GuardedTokens.RequestSplitter, {
    useValue: guardRequestSplitter(c.requestSplitter, names.requestSplitter, guard, config.broadcastLiveWantsLimit)
  })
  container.register(GuardedTokens.PeerSelector, { useValue: guardPeerSelector(c.peerSelector, names.peerSelector, guard) })
  container.register(GuardedTokens.DecisionStrategy, { useValue: guardDecisionStrategy(c.decisionStrategy, names.decisionStrategy, guard) })
  return guard
}
