export * from './run-lab.js'
export * from './summary.js'
export * from './median.js'
export * from './strategies.js'
