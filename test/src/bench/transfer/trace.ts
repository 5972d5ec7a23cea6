/**
 * A log of every Bitswap message a benchmark node sends and receives, with the wall time (ms since the epoch, so
 * the logs of a seed and a fetcher sort into one timeline), the counts of wants, cancels, blocks and presences,
 * and a caller's snapshot of the node (how many wants its ledger holds, say). It is how one sees whether wants
 * reach the seed in time: how many the seed holds when more arrive, and how long a fetcher's wants wait.
 *
 * Enabled by SWAPWRIGHT_BENCH_TRACE=PREFIX: each process writes PREFIX-<role>-<pid>.log when it exits. Sort the
 * files together (`sort -n`) to read one timeline. Off, it adds nothing to the network.
 */
import { writeFileSync } from 'node:fs'
import { tappedNetwork } from '@swapwright/core'
import type { BitswapMessage, BitswapNetwork, Plugin, WireTap } from '@swapwright/core'

const prefix = process.env.SWAPWRIGHT_BENCH_TRACE
const lines: string[] = []
if (prefix != null) process.on('exit', () => { writeFileSync(`${prefix}-${role}-${process.pid}.log`, lines.join('\n') + '\n') })
let role = 'node'

/** What the node looks like at each message (e.g. `wl=12`); set once the node exists. */
export const traceState: { snapshot: () => string } = { snapshot: () => '' }

const now = (): string => (performance.timeOrigin + performance.now()).toFixed(1)

function line (what: string, message: Pick<BitswapMessage, 'blocks' | 'presences' | 'wantlist'>, extra = ''): void {
  const entries = message.wantlist?.entries ?? []
  let cancels = 0
  for (const entry of entries) if (entry.cancel) cancels++
  lines.push(`${now()} ${role} ${what} wants=${entries.length - cancels} cancels=${cancels} blocks=${message.blocks.length} presences=${message.presences.length}${extra} ${traceState.snapshot()}`)
}

/** The tap that writes the log: each message as it is handed to the network, when the network is done with it, and each arrival. */
const traceTap: WireTap = {
  sent: (_peer, message) => { line('send', message) },
  sendDone: (_peer, _message, error) => { lines.push(`${now()} ${role} ${error == null ? 'sent' : 'failed'} ${traceState.snapshot()}`) },
  received: (_peer, message, bytes) => { line('recv', message, ` bytes=${bytes}`) }
}

/** The network plugin, traced when SWAPWRIGHT_BENCH_TRACE is set (else returned as it is). */
export function traced<T extends BitswapNetwork> (plugin: Plugin<T>, as: string): Plugin<BitswapNetwork> {
  if (prefix == null) return plugin
  role = as
  return tappedNetwork(plugin, traceTap)
}
