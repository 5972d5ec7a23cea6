import { EveryPeerBroadcast, factoryPlugin, type BroadcastPolicy, type Plugin } from '@swapwright/core'

/**
 * Every connected peer outside the session hears each broadcast, in one step, and so does every peer that
 * connects while the wants last: Go Bitswap before boxo's broadcast control, and `goDefaults()`' choice.
 */
export function broadcastAll (): Plugin<BroadcastPolicy> {
  return factoryPlugin('broadcast-all', () => new EveryPeerBroadcast('broadcast-all'))
}
