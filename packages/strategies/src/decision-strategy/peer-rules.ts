import type { PeerQueueView } from '@swapwright/core'

/*
 * Rules shared by the peer orders. Each returns a comparator result, or 0 when it does not decide, so an order
 * reads as a chain: `ruleA(a, b) || ruleB(a, b) || ...`.
 */

/** A peer with nothing queued has nothing to be served, so any peer with work goes first. */
export function emptyLoses (a: PeerQueueView, b: PeerQueueView): number {
  return Number(a.pendingTasks === 0) - Number(b.pendingTasks === 0)
}

export function isStarved (view: PeerQueueView, now: number, starvationMs: number): boolean {
  return view.lastServedAt === undefined || now - view.lastServedAt > starvationMs
}

/** A peer never served, or not served for `starvationMs`, goes before one that was served recently. */
export function starvedWins (a: PeerQueueView, b: PeerQueueView, now: number, starvationMs: number): number {
  return Number(isStarved(b, now, starvationMs)) - Number(isStarved(a, now, starvationMs))
}

/** The peer with fewer tasks in flight goes first, so work spreads over peers instead of piling on one. */
export function fewerActiveWins (a: PeerQueueView, b: PeerQueueView): number {
  return a.activeTasks - b.activeTasks
}

/** The peer with more waiting goes first (up to `cap`: beyond it, a bigger backlog earns nothing more). */
export function morePendingWins (a: PeerQueueView, b: PeerQueueView, cap = Number.POSITIVE_INFINITY): number {
  return Math.min(b.pendingTasks, cap) - Math.min(a.pendingTasks, cap)
}

/** Orders two numbers so the larger goes first; safe for infinities, unlike a subtraction. */
export function largerWins (a: number, b: number): number {
  return a === b ? 0 : (a > b ? -1 : 1)
}
