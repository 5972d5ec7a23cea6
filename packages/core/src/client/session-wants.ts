import { blockKey } from '../wire/prefix.js'
import { SessionWant } from './session-want.js'
import type { CID } from 'multiformats/cid'

/**
 * The wants of one session and where each stands: queued (not sent to anyone yet), live (sent, awaiting the
 * block) and, among the live ones, those whose situation changed since the splitter last saw them. The number
 * of live wants is the session's window; queued wants go out as it frees up.
 */
export class SessionWants {
  private readonly wants = new Map<string, SessionWant>()
  /** Live wants whose situation changed since the splitter last saw them. */
  private readonly dirtyLive = new Set<string>()
  /** Wants not sent to anyone yet that the splitter should look at, oldest first. */
  private readonly queued = new Set<string>()
  /** Wants sent to someone and not yet received or withdrawn. */
  private live = 0

  get size (): number {
    return this.wants.size
  }

  get liveCount (): number {
    return this.live
  }

  get (cid: CID): SessionWant | undefined {
    return this.wants.get(blockKey(cid))
  }

  values (): IterableIterator<SessionWant> {
    return this.wants.values()
  }

  /** One more caller wants `cid`. Returns the want when it is new to the session (and so queued). */
  add (cid: CID): SessionWant | undefined {
    const key = blockKey(cid)
    const existing = this.wants.get(key)
    if (existing != null) {
      existing.callers++
      return undefined
    }
    const want = new SessionWant(cid, key)
    this.wants.set(key, want)
    this.queued.add(key)
    return want
  }

  /** The want's situation changed: the splitter looks at it again on the next pass. */
  markDirty (want: SessionWant): void {
    if (want.live) this.dirtyLive.add(want.key)
    else this.queued.add(want.key)
  }

  markAllDirty (): void {
    for (const want of this.wants.values()) this.markDirty(want)
  }

  /** The want went out to someone: it takes a place in the window. */
  markLive (want: SessionWant): void {
    if (want.live) return
    want.live = true
    this.live++
    // Queued as new, it is now live: if the splitter has yet to see it, it sees it as a live want.
    if (this.queued.delete(want.key)) this.dirtyLive.add(want.key)
  }

  /** The want left the session (received or withdrawn). Returns whether wants are queued for its place. */
  forget (want: SessionWant): boolean {
    if (this.wants.get(want.key) !== want) return false
    this.wants.delete(want.key)
    this.dirtyLive.delete(want.key)
    this.queued.delete(want.key)
    if (want.live) this.live--
    return this.queued.size > 0
  }

  /**
   * What the splitter should look at next: changed live wants first (unless `skipLive`: they are dropped from
   * the changed set), then queued wants while `room` lasts, `max` in all. `more` says whether work is left.
   */
  take (room: number, max: number, skipLive: boolean): { wants: SessionWant[], more: boolean } {
    const wants: SessionWant[] = []
    for (const key of this.dirtyLive) {
      if (wants.length >= max) break
      this.dirtyLive.delete(key)
      const want = this.wants.get(key)
      if (want != null && !skipLive) wants.push(want)
    }
    for (const key of this.queued) {
      if (room <= 0 || wants.length >= max) break
      this.queued.delete(key)
      const want = this.wants.get(key)
      if (want == null) continue
      room--
      wants.push(want)
    }
    return { wants, more: this.dirtyLive.size > 0 || (this.queued.size > 0 && room > 0) }
  }

  clear (): void {
    this.wants.clear()
    this.dirtyLive.clear()
    this.queued.clear()
    this.live = 0
  }
}
