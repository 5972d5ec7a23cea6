import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { errorMessage } from '@swapwright/core'
import { goDefaults, type StrategyPreset } from '@swapwright/strategies'
import { namedStrategies } from './strategies.js'
import type { Preset } from '@swapwright/core'

/** A strategy module that cannot be used: missing, failing to load, or exporting the wrong thing (a usage error). */
export class StrategyModuleError extends RangeError {
  override name = 'StrategyModuleError'
}

/** Slots the lab fills itself for every node: a strategy set that names them would be silently overridden. */
const LAB_OWNED_SLOTS = new Set(['network', 'blockstore', 'clock', 'random'])

/**
 * True when a `--strategy` entry names a module rather than a built-in set: a path (`./x.js`, `../x.js`, `/x.js`),
 * a `file:` URL, or a name ending in `.js`, `.mjs` or `.cjs`.
 */
export function isStrategyModule (name: string): boolean {
  return /^(\.{1,2}[\\/]|[\\/]|file:)/.test(name) || /\.[cm]?js$/.test(name)
}

/** The policy slots a strategy module may fill: the Go defaults' slots (whatever core has) and the provider finder. */
function strategySlots (): string[] {
  return [...Object.keys(goDefaults()), 'providerFinder']
}

/** `value` as a preset, or a StrategyModuleError saying what is wrong with it; `where` names the module in the message. */
export function checkPreset (value: unknown, where: string): Preset {
  if (typeof (value as { then?: unknown } | null)?.then === 'function') {
    throw new StrategyModuleError(`${where}: the default export returned a promise; it must return the preset itself (plugins build their parts lazily)`)
  }
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    throw new StrategyModuleError(`${where}: the default export must be a preset (an object of plugins by slot, as goDefaults() returns) or a function returning one; got ${describe(value)}`)
  }
  const entries = Object.entries(value)
  if (entries.length === 0) throw new StrategyModuleError(`${where}: the preset names no slot (slots: ${strategySlots().join(', ')})`)
  const slots = new Set(strategySlots())
  for (const [slot, plugin] of entries) {
    if (LAB_OWNED_SLOTS.has(slot)) throw new StrategyModuleError(`${where}: the lab gives every node its own ${slot}; a strategy set fills only ${strategySlots().join(', ')}`)
    if (!slots.has(slot)) throw new StrategyModuleError(`${where}: "${slot}" is not a slot (slots: ${strategySlots().join(', ')})`)
    if (typeof plugin !== 'function') throw new StrategyModuleError(`${where}: ${slot} must be a plugin (a function of the node's components, e.g. optimisticRequestSplitter()); got ${describe(plugin)}`)
  }
  return value as Preset
}

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : typeof value
}

/**
 * Loads a strategy set from a module whose default export is a preset or a function returning one (called once
 * per node, so each node gets fresh plugins). A relative path is taken from `cwd`. A missing file, a module that
 * fails to load, no default export, or a default export of the wrong shape is a StrategyModuleError (a
 * RangeError) naming the module.
 */
export async function loadStrategyModule (spec: string, cwd = process.cwd()): Promise<() => Preset> {
  const url = spec.startsWith('file:') ? new URL(spec) : pathToFileURL(resolve(cwd, spec))
  const where = `strategy module ${spec}`
  try {
    if (!(await stat(url)).isFile()) throw new StrategyModuleError(`${where}: not a file (${url.pathname})`)
  } catch (err) {
    if (err instanceof StrategyModuleError) throw err
    throw new StrategyModuleError(`${where}: no such file (${url.pathname})`, { cause: err })
  }
  let loaded: Record<string, unknown>
  try {
    loaded = await import(url.href)
  } catch (err) {
    throw new StrategyModuleError(`${where}: could not be loaded: ${errorMessage(err)}`, { cause: err })
  }
  if (!('default' in loaded) || loaded.default === undefined) {
    throw new StrategyModuleError(`${where}: has no default export; export a preset or a function returning one (export default () => ({ ...goDefaults(), peerSelector: ... }))`)
  }
  const exported = loaded.default
  if (typeof exported !== 'function') {
    const preset = checkPreset(exported, where)
    return () => preset
  }
  // called now once, so a wrong shape fails before any run rather than in the middle of a matrix
  checkPreset(exported(), where)
  return () => checkPreset(exported(), where)
}

/**
 * The strategy sets `--strategy` names, in the order given: built-in names from `NAMED_STRATEGIES`, and modules
 * (see `isStrategyModule`) loaded from `cwd`. An unknown name fails with the list of known ones.
 */
export async function resolveStrategies (names: readonly string[], cwd = process.cwd()): Promise<Record<string, () => StrategyPreset | Preset>> {
  const out: Record<string, () => StrategyPreset | Preset> = {}
  for (const name of names) {
    if (isStrategyModule(name)) {
      out[name] = await loadStrategyModule(name, cwd)
      continue
    }
    out[name] = namedStrategies([name])[name]
  }
  return out
}
