import { defaultLogger, type ComponentLogger, type Logger } from '@libp2p/logger'

/** The slots whose plugins make decisions while the node runs, and so are called through the guard. */
export type PolicySlot = 'requestSplitter' | 'peerSelector' | 'decisionStrategy' | 'broadcastPolicy'

/** Calls into a policy that threw or answered something unusable, per slot, since the node was built. */
export type PolicyFailures = Record<PolicySlot, number>

/**
 * The one place a failing policy is handled. Policies are third-party code called from timer callbacks and
 * server workers; a throw there would end the process (or a worker) for what is only a bad decision. The guarded
 * wrappers call `failed` and use a safe choice instead; this counts the failure for `stats()` and logs it once
 * per slot and method, so a policy that throws on every call cannot flood the log.
 */
export class PolicyGuard {
  private readonly counts: PolicyFailures = { requestSplitter: 0, peerSelector: 0, decisionStrategy: 0, broadcastPolicy: 0 }
  private readonly logged = new Set<string>()
  private readonly log: Logger

  constructor (logger: ComponentLogger = defaultLogger()) {
    this.log = logger.forComponent('swapwright:core:policy-guard')
  }

  failed (slot: PolicySlot, plugin: string, method: string, problem: unknown): void {
    this.counts[slot]++
    const key = `${slot}.${method}`
    if (this.logged.has(key)) return
    this.logged.add(key)
    const why = problem instanceof Error ? problem.message : String(problem)
    this.log.error('policy "%s" (%s) failed in %s(): %s; using the safe choice instead (logged once)', plugin, slot, method, why)
  }

  /** A policy's per-session state from `forSession`, or undefined (counted) when that throws or returns nothing. */
  forSession<T extends object> (slot: PolicySlot, plugin: string, make: () => T): T | undefined {
    try {
      const session = make()
      if (session != null && typeof session === 'object') return session
      throw new TypeError(`forSession returned ${String(session)}`)
    } catch (err) {
      this.failed(slot, plugin, 'forSession', err)
      return undefined
    }
  }

  stats (): PolicyFailures {
    return { ...this.counts }
  }
}
