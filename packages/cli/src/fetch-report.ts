import { humanBytes } from './units.js'
import type { PeerKey, SessionFeedback, WireCounters } from '@swapwright/core'

/** What one peer did for a fetch. */
export interface PeerReport {
  peer: PeerKey
  /** Blocks it delivered first (those the fetch kept). */
  blocks: number
  /** Blocks it sent that another peer had delivered already. */
  duplicates: number
  /** Bytes of block data received from it, duplicates included. */
  bytes: number
  haves: number
  dontHaves: number
  /** Wants it stayed silent on until core gave up waiting (counted as DONT_HAVE). */
  timeouts: number
  /** Milliseconds from a want to its block, over the blocks it delivered: mean, fastest, slowest. */
  latencyMs?: { mean: number, min: number, max: number }
  /** Whether the session dropped it before the end (it disconnected, or refused too often). */
  dropped: boolean
}

interface Tally {
  blocks: number
  duplicates: number
  haves: number
  dontHaves: number
  timeouts: number
  latencySum: number
  latencyCount: number
  latencyMin: number
  latencyMax: number
  dropped: boolean
}

/**
 * Tallies what each peer of a fetch did, from the session's feedback (blocks with their latency, HAVEs,
 * DONT_HAVEs, silences) and the node's wire counters (bytes): `get --json` reports it per provider, and a
 * failed fetch says it peer by peer.
 */
export class FetchReport {
  private readonly counters: WireCounters
  private readonly tallies = new Map<PeerKey, Tally>()

  constructor (counters: WireCounters) {
    this.counters = counters
  }

  readonly observe = (feedback: SessionFeedback): void => {
    const tally = this.tally(feedback.peer)
    switch (feedback.type) {
      case 'peer-added':
        tally.dropped = false
        return
      case 'peer-removed':
        tally.dropped = true
        return
      case 'have':
        tally.haves++
        return
      case 'dont-have':
        if (feedback.timedOut) tally.timeouts++
        else tally.dontHaves++
        return
      case 'block':
        if (feedback.duplicate || !feedback.first) {
          tally.duplicates++
          return
        }
        tally.blocks++
        if (feedback.latency != null) {
          tally.latencySum += feedback.latency
          tally.latencyCount++
          tally.latencyMin = Math.min(tally.latencyMin, feedback.latency)
          tally.latencyMax = Math.max(tally.latencyMax, feedback.latency)
        }
    }
  }

  /** Every peer the fetch dealt with, those that delivered most first. */
  providers (): PeerReport[] {
    return [...this.tallies].map(([peer, t]): PeerReport => ({
      peer,
      blocks: t.blocks,
      duplicates: t.duplicates,
      bytes: this.counters.of(peer)?.blockBytesReceived ?? 0,
      haves: t.haves,
      dontHaves: t.dontHaves,
      timeouts: t.timeouts,
      ...(t.latencyCount === 0
        ? {}
        : { latencyMs: { mean: Math.round(t.latencySum / t.latencyCount), min: Math.round(t.latencyMin), max: Math.round(t.latencyMax) } }),
      dropped: t.dropped
    })).sort((a, b) => b.blocks - a.blocks)
  }

  /** One line per peer, for people. */
  lines (): string[] {
    return providerLines(this.providers())
  }

  private tally (peer: PeerKey): Tally {
    let tally = this.tallies.get(peer)
    if (tally == null) {
      tally = { blocks: 0, duplicates: 0, haves: 0, dontHaves: 0, timeouts: 0, latencySum: 0, latencyCount: 0, latencyMin: Infinity, latencyMax: 0, dropped: false }
      this.tallies.set(peer, tally)
    }
    return tally
  }
}

/** One line per peer, for people: what it delivered, how fast, and what it said. */
export function providerLines (providers: readonly PeerReport[]): string[] {
  return providers.map(p => {
    const said = [
      `${p.blocks} blocks (${humanBytes(p.bytes)})`,
      ...(p.latencyMs == null ? [] : [`${p.latencyMs.mean} ms per block (${p.latencyMs.min}-${p.latencyMs.max})`]),
      ...(p.duplicates > 0 ? [`${p.duplicates} duplicates`] : []),
      ...(p.haves > 0 ? [`${p.haves} HAVE`] : []),
      ...(p.dontHaves > 0 ? [`${p.dontHaves} DONT_HAVE`] : []),
      ...(p.timeouts > 0 ? [`silent on ${p.timeouts} wants`] : []),
      ...(p.dropped ? ['dropped from the session'] : [])
    ]
    return `peer ${p.peer}: ${said.join(', ')}`
  })
}
