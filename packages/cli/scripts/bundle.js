// Bundles the compiled command (dist/src/cli.js) into dist/bundle: one file for the entry, and one chunk per
// command and per piece they share, so each command still loads only what it needs. A few files instead of some
// eight hundred modules is most of the command's start-up time: the launcher runs this bundle when it is there.
// Run by npm run build (after tsc -b), from any folder.
//
// Then the same again into dist/bundle-get, with every command but get and cat left out, for the launcher to run
// for those two. The chunks of a bundle follow which commands share what, so in the bundle of all commands a
// get's code lies in some forty files, most of it shared with one or another command; alone with its own kind it
// lies in about twenty. Each file is a resolution, a compile cache lookup and a module to link: about a tenth of
// the get's module loading, before its first want.
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const require = createRequire(import.meta.url)
const dist = fileURLToPath(new URL('../dist/', import.meta.url))
/** The command modules of dist/bundle-get (get and cat both live in this one); the others are never loaded from it. */
const GET_COMMANDS = new Set(['./get-command.js'])

/** Bundles dist/src/cli.js into `outdir`; with `only`, the command modules not in it are left out. */
async function bundle (outdir, only) {
  // chunks are named by their content: the last build's would pile up beside this one's
  rmSync(outdir, { recursive: true, force: true })
  await build({
    entryPoints: [`${dist}src/cli.js`],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    logLevel: 'warning',
    plugins: only == null ? [] : [onlyCommands(only)],
    // core's dependency injection reads decorator metadata: the polyfill has to run before any chunk that uses it
    inject: [require.resolve('reflect-metadata')],
    // bundled CommonJS dependencies still call require() for Node's own modules
    banner: { js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);" }
  })
}

/** The commands' list imports each command when it runs: those not in `only` stay unresolved imports. */
function onlyCommands (only) {
  return {
    name: 'only-commands',
    setup (build) {
      build.onResolve({ filter: /^\.\/[a-z]+-command\.js$/ }, args =>
        args.kind === 'dynamic-import' && !only.has(args.path) ? { path: args.path, external: true } : undefined)
    }
  }
}

await bundle(`${dist}bundle`)
await bundle(`${dist}bundle-get`, GET_COMMANDS)
