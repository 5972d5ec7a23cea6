import type { ProviderFinder, ProviderRecord } from '../interfaces/provider-finder.js'
import { factoryPlugin, type Plugin } from '../plugin.js'

/** Finds nobody and announces nothing: the default when no routing (such as the DHT) is plugged in. */
export class NullProviderFinder implements ProviderFinder {
  readonly name = 'null-provider-finder'

  async * findProviders (): AsyncIterable<ProviderRecord> {}

  async provide (): Promise<void> {}
}

export function nullProviderFinder (): Plugin<ProviderFinder> {
  return factoryPlugin('null-provider-finder', () => new NullProviderFinder())
}
