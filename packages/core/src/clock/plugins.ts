import { factoryPlugin, valuePlugin, type Plugin } from '../plugin.js'
import { seededRandom } from '../random.js'
import { SystemClock } from './system-clock.js'
import type { Clock } from '../interfaces/clock.js'
import type { RandomSource } from '../interfaces/random.js'

/** The wall clock (the default). */
export function systemClockPlugin (): Plugin<Clock> {
  return factoryPlugin('system-clock', () => new SystemClock())
}

/** Any clock, e.g. a VirtualClock shared by every node of a simulation. */
export function clockPlugin (clock: Clock, name = 'clock'): Plugin<Clock> {
  return valuePlugin(name, clock)
}

/** Randomness for policies; pass a seed for reproducible runs (default: seeded from the operating system). */
export function randomPlugin (seed?: number): Plugin<RandomSource> {
  return factoryPlugin(seed == null ? 'random' : `random(seed=${seed})`, () => seededRandom(seed))
}
