import { defaultLogger, type ComponentLogger } from '@libp2p/logger'
import { Bitswap } from './bitswap.js'
import { randomPlugin, systemClockPlugin } from './clock/plugins.js'
import { checkPlugin, composeNode } from './compose-node.js'
import { resolveConfig, type BitswapConfig } from './config.js'
import { MissingPluginError } from './errors.js'
import { nullBroadcastPolicy } from './null/null-broadcast-policy.js'
import { nullProviderFinder } from './null/null-provider-finder.js'
import { SLOTS, SLOT_NAMES, type SlotName } from './registry.js'
import { commonHashers } from './wire/hashers.js'
import type { Preset, SlotPlugins } from './plugin.js'
import type { MultihashHasher } from 'multiformats/hashes/interface'

/**
 * A plugin for every slot. `network`, `blockstore` and the three policies are required (pass the policies one
 * by one, as `preset`, or spread a preset: `createBitswap({ network, blockstore, ...goDefaults() })`); `clock`,
 * `random`, `providerFinder` and `broadcastPolicy` default to core's own system clock, OS-seeded randomness, null
 * finder and null broadcast policy (every connected peer is asked, as before the slot existed).
 */
export interface BitswapOptions extends Partial<SlotPlugins>, Partial<BitswapConfig> {
  /** How messages reach peers: the libp2p network or the simulated one. */
  network: SlotPlugins['network']
  /** Where blocks live: `blockstorePlugin(store)` with any `interface-blockstore` store. */
  blockstore: SlotPlugins['blockstore']
  /** Plugins for several slots at once (e.g. `go2019()`); a slot given on its own wins over the preset. */
  preset?: Preset
  /**
   * The hash functions blocks are verified with; a want for a CID hashed otherwise fails at once with
   * `UnknownHashError`. Default `commonHashers()`: sha2-256, sha2-512, blake2b-256, sha3-256, sha3-512, blake3.
   */
  hashers?: Iterable<MultihashHasher>
  /**
   * Where the node logs, component by component (`swapwright:core:client`, `…:session`, `…:decision-engine`, …).
   * Give libp2p's (`libp2p.logger`, as the libp2p service and the command do) so the node's lines follow that
   * node's logging settings; default `@libp2p/logger`'s, enabled with `DEBUG=swapwright*`.
   */
  logger?: ComponentLogger
}

/** The only slots core fills itself: none of them needs a package core does not own. */
const CORE_DEFAULTS: Preset = {
  clock: systemClockPlugin(),
  random: randomPlugin(),
  providerFinder: nullProviderFinder(),
  broadcastPolicy: nullBroadcastPolicy()
}

/**
 * The one composition root. Chooses a plugin for every slot (the option, else the preset, else core's default)
 * and builds the node in a container of its own, all at once, so a missing or broken plugin fails here with an
 * error naming the slot and the plugin instead of in the middle of a transfer. Synchronous: core imports no
 * plugin package, so there is nothing to load.
 */
export function createBitswap (options: BitswapOptions): Bitswap {
  const config = Object.freeze(resolveConfig(options))
  return new Bitswap(composeNode(choosePlugins(options), config, options.hashers ?? commonHashers(), options.logger ?? defaultLogger()))
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
