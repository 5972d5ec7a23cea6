import { Lifecycle, instancePerContainerCachingFactory, type DependencyContainer } from 'tsyringe'
import type { Token } from './tokens.js'

/**
 * A plugin fills one slot of a node. It registers into that node's own child container (never the global one),
 * so two nodes in one process can run different policies side by side.
 */
export interface Plugin<T> {
  /** Shown in errors and logs, e.g. `boxo-peer-selector`. */
  readonly name: string
  /** The slot's token; `createBitswap` checks it matches the slot the plugin was given for. */
  readonly token: Token<T>
  /** Registers `token` (and anything else the plugin needs) in the node's container. */
  register(container: DependencyContainer): void
}

/** A plugin for an object that already exists. */
export function valuePlugin<T> (name: string, token: Token<T>, value: T): Plugin<T> {
  return {
    name,
    token,
    register: (container) => { container.register<T>(token, { useValue: value }) }
  }
}

/** A plugin built by a factory, once per node, with access to the node's other components. */
export function factoryPlugin<T> (name: string, token: Token<T>, factory: (container: DependencyContainer) => T): Plugin<T> {
  return {
    name,
    token,
    register: (container) => {
      container.register<T>(token, { useFactory: instancePerContainerCachingFactory<T>(factory) })
    }
  }
}

/** A plugin for an `@injectable()` class whose constructor takes `@inject(Tokens.X)` parameters. */
export function classPlugin<T> (name: string, token: Token<T>, implementation: new (...args: any[]) => T): Plugin<T> {
  return {
    name,
    token,
    register: (container) => {
      container.register<T>(token, { useClass: implementation }, { lifecycle: Lifecycle.ContainerScoped })
    }
  }
}
