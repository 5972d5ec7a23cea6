import type { PolicyGuard } from './policy-guard.js'
import type { PendingWant, RequestSplitter, SessionRequestSplitter, WantAssignment } from '../interfaces/request-splitter.js'
import type { SessionContext, SessionFeedback } from '../interfaces/session-feedback.js'

const SLOT = 'requestSplitter'

/**
 * The safe split: a WANT_BLOCK to every ranked peer. It costs duplicate blocks, but needs no knowledge of who
 * has what, so every want still ends with its block while the splitter is broken.
 */
function broadcastBlocks (wants: readonly PendingWant[]): WantAssignment[] {
  const out: WantAssignment[] = []
  for (const want of wants) {
    for (const peer of want.ranked) out.push({ peer, cid: want.cid, wantType: 'block' })
  }
  return out
}

/** A request splitter whose every call goes through the guard. */
export function guardRequestSplitter (
  splitter: RequestSplitter,
  plugin: string,
  guard: PolicyGuard,
  /** The window of the safe splitter when `forSession` itself fails: it asks every peer, so it must be bounded. */
  fallbackLiveWants: number
): RequestSplitter {
  return {
    name: splitter.name,
    forSession (context: SessionContext): SessionRequestSplitter {
      const inner = guard.forSession(SLOT, plugin, () => splitter.forSession(context))
      if (inner == null) return { maxLiveWants: fallbackLiveWants, split: broadcastBlocks, observe: () => {} }
      return new GuardedSessionSplitter(inner, plugin, guard)
    }
  }
}

class GuardedSessionSplitter implements SessionRequestSplitter {
  constructor (
    private readonly inner: SessionRequestSplitter,
    private readonly plugin: string,
    private readonly guard: PolicyGuard
  ) {}

  get maxLiveWants (): number | undefined {
    try {
      const limit = this.inner.maxLiveWants
      if (limit === undefined || (typeof limit === 'number' && limit > 0)) return limit
      throw new TypeError(`maxLiveWants is ${String(limit)}, not a positive number`)
    } catch (err) {
      this.guard.failed(SLOT, this.plugin, 'maxLiveWants', err)
      return undefined
    }
  }

  get duplicateSendersJoin (): boolean {
    try {
      return this.inner.duplicateSendersJoin === true
    } catch (err) {
      this.guard.failed(SLOT, this.plugin, 'duplicateSendersJoin', err)
      return false
    }
  }

  split (wants: readonly PendingWant[]): WantAssignment[] {
    try {
      const assignments = this.inner.split(wants)
      if (Array.isArray(assignments)) return assignments
      throw new TypeError(`split returned ${String(assignments)}, not an array`)
    } catch (err) {
      this.guard.failed(SLOT, this.plugin, 'split', err)
      return broadcastBlocks(wants)
    }
  }

  observe (feedback: SessionFeedback): void {
    try {
      this.inner.observe(feedback)
    } catch (err) {
      this.guard.failed(SLOT, this.plugin, 'observe', err)
    }
  }
}
