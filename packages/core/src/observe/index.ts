export * from './wire-tap.js'
export * from './wire-counters.js'
export * from './wire-log.js'
