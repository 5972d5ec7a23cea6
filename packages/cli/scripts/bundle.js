// Bundles the compiled command (dist/src/cli.js) into dist/bundle: one file for the entry, and one chunk per
// command and per piece they share, so each command still loads only what it needs. A few files instead of some
// eight hundred modules is most of the command's start-up time: the launcher runs this bundle when it is there.
// Run by npm run build (after tsc -b), from any folder.
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const require = createRequire(import.meta.url)
const dist = fileURLToPath(new URL('../dist/', import.meta.url))
// chunks are named by their content: the last build's would pile up beside this one's
rmSync(`${dist}bundle`, { recursive: true, force: true })

await build({
  entryPoints: [`${dist}src/cli.js`],
  outdir: `${dist}bundle`,
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
