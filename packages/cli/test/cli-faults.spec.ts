import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { Running, serveOnLoopback, swapwright, useServedFolder } from './cli-helpers.js'

/** Node's code for "the event loop emptied while top-level await still waited": the silent exit of old. */
const UNSETTLED_TOP_LEVEL_AWAIT = 13
/** A valid peer id that no process of the test has. */
const OTHER_PEER = '12D3KooWD1yvL1XQNsumK327x9KHWgAPXB8kULaJYY7FgD2EhWWJ'

describe('the command under faults: it ends, and says why', () => {
  const served = useServedFolder('swapwright-cli-faults-', async work => {
    await writeFile(join(work, 'file.bin'), randomBytes(3 * 1024 * 1024 + 5))
    await writeFile(join(work, 'other.bin'), randomBytes(1024))
  }, ['file.bin', '--repo', 'server-repo'])

  it('serve --listen with something that is not a multiaddr is a usage error (2), before the repository is touched', async () => {
    const result = await swapwright(['serve', '--listen', '127.0.0.1:0', '--repo', 'never-made'], served.work)
    assert.equal(result.code, 2, result.stderr)
    assert.match(result.stderr, /^swapwright: Not a multiaddr: 127\.0\.0\.1:0 /m)
    assert.equal(existsSync(join(served.work, 'never-made')), false, 'nothing was created')
  })

  it('get -o into a folder that does not exist fails with 3 before fetching anything', async () => {
    const result = await swapwright(['get', served.root, '--peer', served.address, '-o', join('no-such-folder', 'f'), '--repo', 'never-fetched', '--json'], served.work)
    assert.equal(result.code, 3, result.stdout + result.stderr)
    const error = result.events.find(e => e.event === 'error')
    assert.match(error?.message, /No such folder for the output: .*no-such-folder/)
    assert.equal(existsSync(join(served.work, 'never-fetched')), false, 'no repository was opened, so no block was fetched')
    assert.ok(!result.events.some(e => e.event === 'progress'))
  })

  it('get --peer with a malformed address is a usage error (2)', async () => {
    const result = await swapwright(['get', served.root, '--peer', 'localhost:4001', '--repo', 'never-made-2'], served.work)
    assert.equal(result.code, 2)
    assert.match(result.stderr, /Not a multiaddr: localhost:4001/)
  })

  it('of several --peer, one unreachable at start is a warning; the others serve the file', async () => {
    // A port nothing listens on (refused at once, and again on every retry until --dial-timeout), under a peer
    // id of its own: libp2p merges dials to one peer id, so the live server's id would reach the live address.
    const dead = `/ip4/127.0.0.1/tcp/1/p2p/${OTHER_PEER}`
    const result = await swapwright(['get', served.root, '--peer', dead, '--peer', served.address, '--repo', 'two-peers', '-o', 'two-peers.out',
      '--dial-timeout', '2', '--json'], served.work)
    assert.equal(result.code, 0, result.stdout + result.stderr)
    const warning = result.events.find(e => e.event === 'warning')
    assert.match(warning?.message, /skipping a peer: Cannot reach \/ip4\/127\.0\.0\.1\/tcp\/1\//)
    assert.ok(result.events.some(e => e.event === 'dial-retry' && e.address === dead), 'the refused dial was tried again')
    assert.deepEqual(await readFile(join(served.work, 'two-peers.out')), await readFile(join(served.work, 'file.bin')))
    // Without --json the warning is a line on stderr.
    const plain = await swapwright(['get', served.root, '--peer', dead, '--peer', served.address, '--repo', 'two-peers', '-o', 'two-peers-2.out', '--dial-timeout', '1'], served.work)
    assert.equal(plain.code, 0, plain.stderr)
    assert.match(plain.stderr, /^swapwright: warning: skipping a peer: Cannot reach/m)
  })

  it('of several --peer, one that never finishes its handshake does not hold the fetch back', { timeout: 20_000 }, async () => {
    // Accepts the connection and then says nothing: its dial ends only at --dial-timeout (a minute here), and a
    // get that waited for every --peer before its first want would still be waiting when the test times out.
    const sockets: Socket[] = []
    const silent = createServer(socket => { sockets.push(socket) })
    silent.listen(0, '127.0.0.1')
    await once(silent, 'listening')
    const hung = `/ip4/127.0.0.1/tcp/${(silent.address() as AddressInfo).port}/p2p/${OTHER_PEER}`
    try {
      const result = await swapwright(['get', served.root, '--peer', hung, '--peer', served.address, '--repo', 'hung-peer', '-o', 'hung-peer.out',
        '--dial-timeout', '60', '--json'], served.work)
      assert.equal(result.code, 0, result.stdout + result.stderr)
      assert.ok(sockets.length > 0, 'the silent peer was dialled')
      assert.deepEqual(await readFile(join(served.work, 'hung-peer.out')), await readFile(join(served.work, 'file.bin')))
      // still told: the peer was never reached
      const warning = result.events.find(e => e.event === 'warning')
      assert.match(warning?.message, new RegExp(`skipping a peer: Cannot reach ${hung.replaceAll('/', '\\/')} before the fetch ended`))
    } finally {
      for (const socket of sockets) socket.destroy()
      silent.close()
    }
  })

  it('every --peer unreachable is still exit 4, naming them', async () => {
    const peerId = served.address.split('/p2p/')[1]
    const result = await swapwright(['get', served.root, '--peer', `/ip4/127.0.0.1/tcp/1/p2p/${peerId}`, '--peer', `/ip4/127.0.0.1/tcp/2/p2p/${peerId}`,
      '--repo', 'none-reached', '--dial-timeout', '1'], served.work)
    assert.equal(result.code, 4, result.stderr)
    assert.match(result.stderr, /None of the 2 peers can be reached: .*tcp\/1\/.*tcp\/2\//)
  })

  it('a CID the only peer answers DONT_HAVE for fails with 3, naming it, long before the idle timeout', async () => {
    const added = await swapwright(['add', 'other.bin', '--repo', 'elsewhere', '--json'], served.work)
    const missing = added.events[0].cid as string
    // An idle timeout of 10 minutes: only the DONT_HAVE verdict can end this fetch within the test's time.
    const result = await swapwright(['get', missing, '--peer', served.address, '--repo', 'not-there', '--idle-timeout', '600', '--json'], served.work)
    assert.equal(result.code, 3, result.stdout + result.stderr)
    const error = result.events.find(e => e.event === 'error')
    assert.match(error?.message, new RegExp(`No peer has ${missing}: the peer answered DONT_HAVE \\(${served.address.split('/p2p/')[1]}\\)`))
  })

  // SIGKILL: the peer's connections reset. SIGSTOP: a frozen peer that never answers a close, the case that
  // once kept the node's stop from ever finishing.
  for (const fault of ['SIGKILL', 'SIGSTOP'] as const) {
    it(`a get whose only peer gets ${fault} mid-fetch ends with a message, never silently`, async () => {
      await killedSeed(fault)
    })
  }

  async function killedSeed (fault: NodeJS.Signals): Promise<void> {
    const big = await mkdtemp(join(served.work, 'big-'))
    await writeFile(join(big, 'big.bin'), randomBytes(48 * 1024 * 1024))
    const { server: seed, address: seedAddress, root: cid } = await serveOnLoopback(['big.bin', '--repo', 'seed-repo'], big)
    const fetcher = new Running(['get', cid, '--peer', seedAddress, '--repo', 'fetch-repo', '-o', 'big.out', '--idle-timeout', '5', '--json'], big)
    await fetcher.next('progress')
    seed.child.kill(fault)
    const [code] = await new Promise<[number | null]>(resolve => {
      if (fetcher.child.exitCode != null) resolve([fetcher.child.exitCode])
      else fetcher.child.once('exit', c => { resolve([c]) })
    })
    seed.child.kill('SIGKILL')
    await seed.stop()
    assert.notEqual(code, UNSETTLED_TOP_LEVEL_AWAIT)
    const last = fetcher.events.at(-1)
    if (code === 0) {
      // the whole file made it before the kill: it must then be complete
      assert.equal(last?.event, 'done')
      assert.deepEqual(await readFile(join(big, 'big.out')), await readFile(join(big, 'big.bin')))
    } else {
      assert.equal(last?.event, 'error', JSON.stringify(fetcher.events.slice(-3)))
      assert.equal(last?.code, code)
      assert.ok(typeof last?.message === 'string' && last.message.length > 0)
    }
  }
})
