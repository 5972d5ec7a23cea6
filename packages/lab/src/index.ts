/**
 * @packageDocumentation
 * The strategy lab: the Go Bitswap benchmark scenarios in virtual time, any strategy sets run side by side over
 * several seeds, with per-run metrics, medians, and text, JSON and HTML reports.
 */
export * from './scenarios/index.js'
export * from './run/index.js'
export * from './runner/index.js'
export * from './report/index.js'
export * from './cli-args.js'
export * from './run-cli.js'
