import { container as rootContainer, instancePerContainerCachingFactory, type DependencyContainer } from 'tsyringe'
import { BitswapClient } from './client/client.js'
import { errorMessage, MissingPluginError, PluginError } from './errors.js'
import { guardBroadcastPolicy, guardDecisionStrategy, guardPeerSelector, guardRequestSplitter, PolicyGuard } from './guard/index.js'
import { ownsLifecycle, pluginName, type Plugin, type SlotPlugins } from './plugin.js'
import { GuardedTokens, SLOTS, SLOT_NAMES, Tokens, type Components, type SlotName, type Slots } from './registry.js'
import { DecisionEngine } from './server/decision-engine.js'
import { HasherRegistry } from './wire/verify.js'
import type { BitswapInit } from './bitswap.js'
import type { BitswapConfig } from './config.js'
import type { ComponentLogger } from '@libp2p/logger'
import type { MultihashHasher } from 'multiformats/hashes/interface'

/**
 * Everything a node is made of, resolved in a child container of its own (never the global one), so two nodes in
 * one process run different plugins side by side. The container stays in here: no caller, and so no plugin,
 * ever sees it.
 */
export function composeNode (plugins: SlotPlugins, config: Readonly<BitswapConfig>, hashers: Iterable<MultihashHasher>, logger: ComponentLogger): BitswapInit {
  const container = rootContainer.createChildContainer()
  container.register(Tokens.Config, { useValue: config })
  container.register(Tokens.Logger, { useValue: logger })
  container.register(HasherRegistry, { useValue: new HasherRegistry(hashers) })
  const built = buildComponents(container, plugins, config, logger)
  const guard = registerGuardedPolicies(container, built.components, built.names, config)
  // Each part is resolved once here; nothing else asks the container for them, so there is one of each per node.
  const server = container.resolve(DecisionEngine)
  const client = container.resolve(BitswapClient)
  return { components: built.components, config, server, client, guard, startOrder: built.owned }
}

/** Every slot's object and the names of their plugins. */
interface BuiltComponents {
  components: Readonly<Components>
  names: Readonly<Record<SlotName, string>>
  /** The slots whose objects the node built (not handed over), in the order they were built: dependencies first. */
  owned: readonly SlotName[]
}

/**
 * Registers each slot's plugin in the node's container and builds them all. A factory sees the other slots as
 * getters that build on demand, so whatever a plugin reads while it is built is built before it: `owned` is in
 * dependency order, which is how the node starts them (and the reverse, how it stops them). A cycle, a throwing
 * factory or an object without its role's methods fails here with an error naming the slot and the plugin.
 */
function buildComponents (container: DependencyContainer, plugins: SlotPlugins, config: Readonly<BitswapConfig>, logger: ComponentLogger): BuiltComponents {
  const order: SlotName[] = []
  const building: SlotName[] = []
  const view = { config, logger } as Components
  for (const slot of SLOT_NAMES) {
    Object.defineProperty(view, slot, { enumerable: true, get: () => container.resolve(SLOTS[slot].token) })
    container.register(SLOTS[slot].token, {
      useFactory: instancePerContainerCachingFactory(() => build(slot))
    })
  }
  Object.freeze(view)

  function build<K extends SlotName> (slot: K): Slots[K] {
    const plugin = plugins[slot] as Plugin<Slots[K]>
    const name = pluginName(plugin)
    if (building.includes(slot)) {
      throw new PluginError(slot, name, `depends on itself: ${[...building, slot].join(' → ')}`)
    }
    building.push(slot)
    let value: Slots[K]
    try {
      value = plugin(view)
    } catch (err) {
      // A plugin this one asked for already named itself; pass its error on as it is.
      if (err instanceof PluginError || err instanceof MissingPluginError) throw err
      throw new PluginError(slot, name, `failed to build: ${errorMessage(err)}`, { cause: err })
    } finally {
      building.pop()
    }
    checkRole(slot, name, value)
    order.push(slot)
    return value
  }

  const components = { config, logger } as Record<string, unknown>
  for (const slot of SLOT_NAMES) components[slot] = container.resolve(SLOTS[slot].token)
  const names = Object.fromEntries(SLOT_NAMES.map(slot => [slot, pluginName(plugins[slot])])) as Record<SlotName, string>
  const owned = order.filter(slot => ownsLifecycle(plugins[slot]))
  return { components: Object.freeze(components) as unknown as Components, names, owned }
}

/** A plugin must be a factory; an object of the old `{ register(container) }` shape gets told what changed. */
export function checkPlugin (slot: SlotName, plugin: unknown): void {
  if (typeof plugin === 'function') return
  const name = pluginName(plugin)
  const old = typeof (plugin as { register?: unknown } | null)?.register === 'function'
  throw new PluginError(slot, name, old
    ? 'is an old-style { register(container) } plugin: a plugin is now a factory (components) => object, e.g. factoryPlugin(name, components => ...)'
    : `is not a plugin: expected a factory (components) => ${SLOTS[slot].role}`)
}

function checkRole (slot: SlotName, name: string, value: unknown): void {
  if (value == null || (typeof value !== 'object' && typeof value !== 'function')) {
    throw new PluginError(slot, name, `built ${String(value)}, not a ${SLOTS[slot].role}`)
  }
  const missing = SLOTS[slot].methods.filter(method => typeof (value as Record<string, unknown>)[method] !== 'function')
  if (missing.length > 0) {
    throw new PluginError(slot, name, `built a ${SLOTS[slot].role} without ${missing.map(m => `${m}()`).join(', ')}`)
  }
}


/**
 * Every call the node makes into a policy goes through one guard: the node's parts resolve the guarded tokens,
 * so neither the client nor the server handles a throwing plugin itself.
 */
function registerGuardedPolicies (container: DependencyContainer, c: Components, names: Record<SlotName, string>, config: BitswapConfig): PolicyGuard {
  const guard = new PolicyGuard(c.logger)
  container.register(GuardedTokens.RequestSplitter, {
    useValue: guardRequestSplitter(c.requestSplitter, names.requestSplitter, guard, config.broadcastLiveWantsLimit)
  })
  container.register(GuardedTokens.PeerSelector, { useValue: guardPeerSelector(c.peerSelector, names.peerSelector, guard) })
  container.register(GuardedTokens.DecisionStrategy, { useValue: guardDecisionStrategy(c.decisionStrategy, names.decisionStrategy, guard) })
  container.register(GuardedTokens.BroadcastPolicy, { useValue: guardBroadcastPolicy(c.broadcastPolicy, names.broadcastPolicy, guard) })
  return guard
}
