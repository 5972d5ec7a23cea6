/**
 * @packageDocumentation
 * Contract suites for every Swapwright extension point. Each subpath (`./request-splitter`, `./peer-selector`, `./broadcast-policy`,
 * `./decision-strategy`, `./blockstore`, `./network`, `./provider-finder`, `./clock`) exports a function that
 * returns the suite's named cases for your plugin; register them with whatever runner you use.
 */
export * from './case.js'
export { AssertionError } from './assert.js'
