import type { Components, SlotName, Slots } from './registry.js'

/**
 * A plugin fills one slot of a node: a factory over the node's typed components (libp2p's shape). The node
 * calls it once, when it is composed, and gives it the other components it asks for (built first, on demand),
 * so plugins may depend on one another but never on a container. Name it (`factoryPlugin`) so errors can.
 */
export type Plugin<T> = (components: Readonly<Components>) => T

/**
 * Optional lifecycle of any slot's object but the network (which the node starts with its message handler). The
 * node starts them in dependency order before it serves, and stops them in reverse after it has stopped serving;
 * objects handed over with `valuePlugin` (or `blockstorePlugin`, `clockPlugin`) are left to their owner.
 */
export interface Startable {
  start?(): void | Promise<void>
  stop?(): void | Promise<void>
}

/** A plugin for each slot. */
export type SlotPlugins = { [K in SlotName]: Plugin<Slots[K]> }

/** Plugins for some slots, such as `goDefaults()` from `@swapwright/strategies`. */
export type Preset = Partial<SlotPlugins>

/** A plugin built by `factory` with the given name, which errors, logs and the policy guard show. */
export function factoryPlugin<T> (name: string, factory: Plugin<T>): Plugin<T> {
  const named: Plugin<T> = (components) => factory(components)
  Object.defineProperty(named, 'name', { value: name })
  return named
}

/** Marks plugins that hand over an object made elsewhere: its owner, not the node, starts and stops it. */
const HANDED_OVER = Symbol.for('@swapwright/core:handed-over')

/**
 * A plugin for an object that already exists (a store, a clock shared by a simulation). It stays its owner's:
 * the node never calls its `start` or `stop`.
 */
export function valuePlugin<T> (name: string, value: T): Plugin<T> {
  const plugin = factoryPlugin(name, () => value)
  Object.defineProperty(plugin, HANDED_OVER, { value: true })
  return plugin
}

/** True when the node built the plugin's object, and so starts and stops it. */
export function ownsLifecycle (plugin: unknown): boolean {
  return (plugin as Record<symbol, unknown>)[HANDED_OVER] !== true
}

/** The name a plugin is known by: the factory's own name, else '(unnamed)'. */
export function pluginName (plugin: unknown): string {
  const name = (plugin as { name?: unknown } | undefined)?.name
  return typeof name === 'string' && name !== '' ? name : '(unnamed)'
}
