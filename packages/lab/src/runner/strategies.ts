import {
  adaptiveBroadcast, boxo2025, broadcastRequestSplitter, go2019, goDefaults, latencyPeerSelector, randomPeerSelector,
  type StrategyPreset
} from '@swapwright/strategies'

/**
 * Strategy sets the command line knows by name. Each is a function, so every node gets its own plugins.
 * The `goDefaults+…` sets change one slot of the Go defaults, to see what that slot is worth on its own;
 * `adaptive` is the Go defaults with `adaptiveBroadcast()` as their broadcast policy (compare it with
 * `goDefaults` and `boxo2025` on the `MainnetLike/*` scenarios).
 */
export const NAMED_STRATEGIES: Readonly<Record<string, () => StrategyPreset>> = {
  goDefaults,
  go2019,
  boxo2025,
  adaptive: () => ({ ...goDefaults(), broadcastPolicy: adaptiveBroadcast() }),
  'goDefaults+broadcast': () => ({ ...goDefaults(), requestSplitter: broadcastRequestSplitter() }),
  'goDefaults+latency': () => ({ ...goDefaults(), peerSelector: latencyPeerSelector() }),
  'goDefaults+random': () => ({ ...goDefaults(), peerSelector: randomPeerSelector() })
}

/** The named sets, in the order given; an unknown name fails with the list of known ones. */
export function namedStrategies (names: readonly string[]): Record<string, () => StrategyPreset> {
  const out: Record<string, () => StrategyPreset> = {}
  for (const name of names) {
    const preset = NAMED_STRATEGIES[name]
    if (preset == null) throw new RangeError(`Unknown strategy set "${name}" (known: ${Object.keys(NAMED_STRATEGIES).join(', ')}; or a module path such as ./my-strategy.js)`)
    out[name] = preset
  }
  return out
}
