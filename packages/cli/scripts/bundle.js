// Bundles the compiled command (dist/src/cli.js) into dist/bundle: one file for the entry, and one chunk per
// command and per piece they share, so each command still loads only what it needs. A few files instead of some
// eight hundred modules is most of the command's start-up time: the launcher runs this bundle when it is there.
import { createRequire } from 'node:module'
import { build } from 'esbuild'

const require = createRequire(import.meta.url)

await build({
  entryPoints: ['dist/src/cli.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  logLevel: 'warning',
  // core's dependency injection reads decorator metadata: the polyfill has to run before any chunk that uses it
  inject: [require.resolve('reflect-metadata')],
  // bundled CommonJS dependencies still call require() for Node's own modules
  banner: { js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);" }
})
