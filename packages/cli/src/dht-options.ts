import { CliError, ExitCode } from './errors.js'
import { dhtSettings, type DhtSettings } from './dht.js'

/** The DHT options `get` and `serve` share, for parseArgs. */
export const DHT_OPTIONS = {
  bootstrap: { type: 'string', multiple: true },
  public: { type: 'boolean', default: false },
  'dht-protocol': { type: 'string' }
} as const

export interface DhtValues {
  bootstrap?: string[]
  public?: boolean
  'dht-protocol'?: string
}

/** The DHT settings the options ask for, or undefined when they ask for none and `always` is false. */
export function parseDhtOptions (values: DhtValues, init: { server: boolean, always: boolean }): DhtSettings | undefined {
  const bootstrap = values.bootstrap ?? []
  const isPublic = values.public === true
  const protocol = values['dht-protocol']
  if (isPublic && protocol != null) throw new CliError('--public always speaks the public DHT protocol; leave out --dht-protocol', ExitCode.usage)
  if (protocol != null && !protocol.startsWith('/')) throw new CliError(`--dht-protocol must start with "/", got ${protocol}`, ExitCode.usage)
  if (!init.always && !isPublic && bootstrap.length === 0) {
    if (protocol != null) throw new CliError('--dht-protocol only applies to a DHT: add --bootstrap (or, for serve, --dht)', ExitCode.usage)
    return undefined
  }
  return dhtSettings({ bootstrap, public: isPublic, protocol, server: init.server })
}
