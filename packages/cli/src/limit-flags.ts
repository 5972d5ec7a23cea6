import { resolveConfig, SERVER_LIMITS, type BitswapConfig } from '@swapwright/core'
import { checkNetworkLimits, NETWORK_LIMITS, type Libp2pNetworkInit } from '@swapwright/transports'
import { CliError, ExitCode } from './errors.js'

/**
 * `serve`'s flags for the limits against hostile peers: one per limit of the server (`SERVER_LIMITS`) and of the
 * libp2p network (`NETWORK_LIMITS`), named after the option in kebab case (`maxWantlistEntries` is
 * `--max-wantlist-entries`), taking a whole number in the option's own unit (ms, bytes, counts).
 */

/** The option's flag: `maxWantlistEntries` → `--max-wantlist-entries`. */
export function flagOf (option: string): string {
  return `--${option.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`)}`
}

const LIMITS = [
  ...SERVER_LIMITS.map(limit => ({ ...limit, to: 'bitswap' as const })),
  ...NETWORK_LIMITS.map(limit => ({ ...limit, to: 'network' as const }))
]

/** The flags as `parseArgs` options. */
export const LIMIT_OPTIONS: Record<string, { type: 'string' }> = Object.fromEntries(
  LIMITS.map(limit => [flagOf(limit.option).slice(2), { type: 'string' as const }])
)

/** The help lines: each flag, its default and what it bounds. */
export function limitFlagsHelp (): string {
  return LIMITS.map(limit => `  ${`${flagOf(limit.option)} N`.padEnd(36)}${String(limit.default).padStart(9)}  ${limit.bounds}`).join('\n')
}

/** What the limit flags set: options for `createBitswap` and for the libp2p network. */
export interface LimitSettings {
  bitswap: Partial<BitswapConfig>
  network: Libp2pNetworkInit
}

/**
 * The limits given on the command line, checked as the node will check them, before any work starts: a value
 * that is not a whole number, or that the node would refuse (0 where 0 cannot work, an incoming message limit
 * below the outgoing size), is a usage error naming the flag.
 */
export function parseLimitFlags (values: Record<string, unknown>): LimitSettings {
  const bitswap: Record<string, number> = {}
  const network: Record<string, number> = {}
  for (const limit of LIMITS) {
    const flag = flagOf(limit.option)
    const value = values[flag.slice(2)]
    if (value === undefined) continue
    const n = Number(value)
    if (typeof value !== 'string' || value.trim() === '' || !Number.isSafeInteger(n) || n < 0) {
      throw new CliError(`${flag} must be a whole number, got "${String(value)}"`, ExitCode.usage)
    }
    ;(limit.to === 'bitswap' ? bitswap : network)[limit.option] = n
  }
  try {
    const config = resolveConfig(bitswap)
    checkNetworkLimits(network, config)
  } catch (err) {
    if (!(err instanceof RangeError)) throw err
    // The node names its options; the command line knows them by their flags.
    throw new CliError(err.message.replace(/Option "(\w+)"|"(\w+)"/g, (_, a: string | undefined, b: string | undefined) => flagOf(a ?? b ?? '')), ExitCode.usage)
  }
  return { bitswap, network }
}
