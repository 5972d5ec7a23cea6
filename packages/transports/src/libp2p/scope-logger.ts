import { enabled, logger } from '@libp2p/logger'
import type { ComponentLogger, Logger } from '@libp2p/interface'

/**
 * libp2p's component logger, except that a scope nobody logs is a bare silent function instead of three debug
 * loggers (the scope, its errors and its trace), which the stock one builds whether or not anything is enabled.
 * The stream muxer makes a scope for every stream it opens, and a Go peer opens a stream for every message it
 * sends, so a fetch from one built them thousands of times. Whether a scope logs is decided as it is made, from
 * the debug namespaces enabled then, as the stock logger decides it; a silent scope's own scopes are decided
 * each for itself, so a namespace enabled below a silent one still logs.
 */
export function scopeSparingLogger (): ComponentLogger {
  return { forComponent: name => scoping(logger(name), name) }
}

function scoping (log: Logger, name: string): Logger {
  log.newScope = (scope: string) => scopeOf(`${name}:${scope}`)
  return log
}

function scopeOf (namespace: string): Logger {
  if (logs(namespace)) return scoping(logger(namespace), namespace)
  const silent = (() => {}) as unknown as Logger
  silent.enabled = false
  silent.error = NOTHING
  silent.trace = NOTHING
  silent.newScope = (scope: string) => scopeOf(`${namespace}:${scope}`)
  return silent
}

/** True when any of the scope's loggers (its own, its errors, its trace) would print. */
function logs (namespace: string): boolean {
  return enabled(namespace) || enabled(`${namespace}:error`) || enabled(`${namespace}:trace`)
}

const NOTHING = (): void => {}
