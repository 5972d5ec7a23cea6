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
import { builtinModules, createRequire } from 'node:module'
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
    plugins: [builtinsByRequire, singleProcessLock, ...only == null ? [] : [onlyCommands(only)]],
    // core's dependency injection reads decorator metadata: the polyfill has to run before any chunk that uses it
    inject: [require.resolve('reflect-metadata')],
    // bundled CommonJS dependencies still call require() for Node's own modules
    banner: { js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);" }
  })
}

/** Node's own modules by name, with and without the node: prefix. */
const BUILTIN = new Set(builtinModules.flatMap(name => name.startsWith('node:') ? [name] : [name, `node:${name}`]))

/**
 * Node's own modules that a get needs only after its first want, if at all: worker_threads (the fs store's write
 * threads, started at the first batch of blocks), zlib (the checksum of the store's log records), v8 (heap limits
 * set once blocks arrive) and dns/promises (/dns addresses only). And util, whose exports are only read one by one:
 * the bundle's copy of a CommonJS module's exports reads the description of each, and util's load as they are
 * described (its argument parser, diff, colours and with them worker_threads: some thirty of Node's modules).
 * Each is loaded when one of its exports is first read, not when a chunk that imports it loads.
 */
const LAZY_BUILTINS = new Set(['node:worker_threads', 'node:zlib', 'node:v8', 'node:dns/promises', 'node:util'])

/**
 * Node's own modules as require() gives them, not as an import does. An import of one makes a module of all its
 * exports, reading each, and some are getters that load more: node:crypto's load the Web Crypto API, node:fs's the
 * promise API and readline, node:util's a diff. The get's seventeen such imports cost about 9 ms of CPU more than
 * requiring the same modules. The bundle's banner gives every file a require(). Only static imports: an import()
 * of a wrapped module would see its exports as a default alone. A module of LAZY_BUILTINS is an object of getters
 * instead, one per export the module has in the Node that builds the bundle, each requiring the module when read
 * (all of them plain objects: a module that is a function, such as events, could not be stood in for so).
 */
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup (build) {
    build.onResolve({ filter: /^[a-z0-9_:/]+$/ }, args =>
      BUILTIN.has(args.path) && args.kind === 'import-statement' ? { path: args.path, namespace: 'node-builtin' } : undefined)
    build.onLoad({ filter: /.*/, namespace: 'node-builtin' }, args => {
      const name = args.path.startsWith('node:') ? args.path : `node:${args.path}`
      if (!LAZY_BUILTINS.has(name)) return { contents: `module.exports = require(${JSON.stringify(name)})`, loader: 'js' }
      const exports = require(name)
      const keys = Object.getOwnPropertyNames(exports).map(key => [key, Object.getOwnPropertyDescriptor(exports, key).enumerable])
      return {
        contents: `let loaded; const load = () => (loaded ??= require(${JSON.stringify(name)}));\n` +
          `for (const [key, enumerable] of ${JSON.stringify(keys)}) Object.defineProperty(module.exports, key, { enumerable, get: () => load()[key] })`,
        loader: 'js'
      }
    })
  }
}

/** The peer store's lock, without its side for other processes and threads (see single-process-lock.js). */
const singleProcessLock = {
  name: 'single-process-lock',
  setup (build) {
    build.onResolve({ filter: /^\.\/node\.js$/ }, args =>
      /[\\/]mortice[\\/]dist[\\/]src[\\/]mortice\.js$/.test(args.importer) ? { path: fileURLToPath(new URL('./single-process-lock.js', import.meta.url)) } : undefined)
  }
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
