import { container as rootContainer, Lifecycle, type DependencyContainer } from 'tsyringe'
import { Bitswap } from './bitswap.js'
import { BitswapClient } from './client/client.js'
import { ProviderQueryManager } from './client/provider-query-manager.js'
import { DecisionEngine } from './server/decision-engine.js'
import { resolveConfig, type BitswapConfig } from './config.js'
import { loadDefaultPlugins, type Preset } from './default-plugins.js'
import { MissingPluginError, PluginError } from './errors.js'
import { SLOTS, SLOT_NAMES, type Components, type SlotName, type SlotPlugins } from './slots.js'
import { GuardedTokens, Tokens } from './tokens.js'
import { commonHashers } from './wire/hashers.js'
import { HasherRegistry } from './wire/verify.js'
import { guardDecisionStrategy, guardPeerSelector, guardRequestSplitter, PolicyGuard } from './guard/index.js'
import type { BitswapNetwork } from './interfaces/network.js'
import type { Plugin } from './plugin.js'
import type { MultihashHasher } from 'multiformats/hashes/interface'

export interface BitswapOptions extends Partial<Omit<SlotPlugins, 'network'>>, Partial<BitswapConfig> {
  /** How messages reach peers: the libp2p network or the simulated one. Required. */
  network: Plugin<BitswapNetwork>
  /** Plugins for several slots at once (e.g. `go2019()`); a slot given on its own wins over the preset. */
  preset?: Preset
  /**
   * The hash functions blocks are verified with; a want for a CID hashed otherwise fails at once with
   * `UnknownHashError`. Default `commonHashers()`: sha2-256, sha2-512, blake2b-256, sha3-256, sha3-512, blake3.
   */
  hashers?: Iterable<MultihashHasher>
}

/**
 * The one composition root. Gives the node its own child container, registers a plugin for every slot (the
 * option, else the preset, else the shipped default), and resolves everything at once, so a missing or broken
 * plugin fails here with an error naming it instead of in the middle of a transfer.
 */
export async function createBitswap (options: BitswapOptions): Promise<Bitswap> {
  const config = resolveConfig(options)
  const chosen: Partial<Record<SlotName, unknown>> = {}
  for (const slot of SLOT_NAMES) {
    chosen[slot] = options[slot] ?? options.preset?.[slot]
  }
  const needed = new Set(SLOT_NAMES.filter(slot => chosen[slot] == null))
  if (needed.has('network')) {
    throw new MissingPluginError('network', 'pass a BitswapNetwork plugin, such as the libp2p or the simulated network')
  }
  const defaults = needed.size > 0 ? await loadDefaultPlugins(needed) : {}

  const container = rootContainer.createChildContainer()
  container.register(Tokens.Config, { useValue: Object.freeze(config) })
  container.register(HasherRegistry, { useValue: new HasherRegistry(options.hashers ?? commonHashers()) })
  for (const slot of SLOT_NAMES) {
    const plugin = chosen[slot] ?? defaults[slot]
    if (plugin == null) throw new MissingPluginError(slot, 'no default is shipped for it')
    registerPlugin(container, slot, plugin)
  }
  const resolved: Partial<Components> = {}
  const names: Partial<Record<SlotName, string>> = {}
  for (const slot of SLOT_NAMES) {
    const plugin = (chosen[slot] ?? defaults[slot]) as Plugin<unknown>
    names[slot] = plugin.name
    ;(resolved as Record<SlotName, unknown>)[slot] = resolveSlot(container, slot, plugin)
  }
  registerGuardedPolicies(container, resolved as Components, names as Record<SlotName, string>, config)
  // One of each per node: tsyringe would otherwise build a fresh engine for every class that asks for one.
  for (const part of NODE_PARTS) {
    container.register<unknown>(part, { useClass: part as new (...args: any[]) => unknown }, { lifecycle: Lifecycle.ContainerScoped })
  }
  return container.resolve(Bitswap)
}

/**
 * Every call the node makes into a policy goes through one guard: the node's parts resolve the guarded tokens,
 * so neither the client nor the server handles a throwing plugin itself.
 */
function registerGuardedPolicies (container: DependencyContainer, c: Components, names: Record<SlotName, string>, config: BitswapConfig): void {
  const guard = new PolicyGuard()
  container.register(PolicyGuard, { useValue: guard })
  container.register(GuardedTokens.RequestSplitter, {
    useValue: guardRequestSplitter(c.requestSplitter, names.requestSplitter, guard, config.broadcastLiveWantsLimit)
  })
  container.register(GuardedTokens.PeerSelector, { useValue: guardPeerSelector(c.peerSelector, names.peerSelector, guard) })
  container.register(GuardedTokens.DecisionStrategy, { useValue: guardDecisionStrategy(c.decisionStrategy, names.decisionStrategy, guard) })
}

/** The node's own parts, shared by everything in its container. */
const NODE_PARTS: ReadonlyArray<new (...args: any[]) => unknown> = [DecisionEngine, ProviderQueryManager, BitswapClient, Bitswap]

function registerPlugin (container: DependencyContainer, slot: SlotName, plugin: unknown): void {
  const candidate = plugin as Partial<Plugin<unknown>>
  const name = typeof candidate.name === 'string' && candidate.name !== '' ? candidate.name : '(unnamed)'
  if (typeof plugin !== 'object' || typeof candidate.register !== 'function') {
    throw new PluginError(slot, name, 'is not a plugin: expected { name, token, register(container) }')
  }
  if (candidate.token !== SLOTS[slot].token) {
    throw new PluginError(slot, name, `provides ${String(candidate.token)}, not ${String(SLOTS[slot].token)}`)
  }
  try {
    candidate.register(container)
  } catch (err) {
    throw new PluginError(slot, name, `failed to register: ${(err as Error).message}`, { cause: err })
  }
}

function resolveSlot (container: DependencyContainer, slot: SlotName, plugin: Plugin<unknown>): Components[SlotName] {
  let value: unknown
  try {
    value = container.resolve(SLOTS[slot].token)
  } catch (err) {
    throw new PluginError(slot, plugin.name, `failed to resolve: ${(err as Error).message}`, { cause: err })
  }
  if (value == null || (typeof value !== 'object' && typeof value !== 'function')) {
    throw new PluginError(slot, plugin.name, `resolved to ${String(value)}`)
  }
  const missing = SLOTS[slot].methods.filter(method => typeof (value as Record<string, unknown>)[method] !== 'function')
  if (missing.length > 0) {
    throw new PluginError(slot, plugin.name, `resolved to an object without ${missing.map(m => `${m}()`).join(', ')}`)
  }
  return value as Components[SlotName]
}
