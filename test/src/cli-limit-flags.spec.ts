import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { openRepo } from '@swapwright/cli'
import { BITSWAP_PROTOCOLS, decodeMessage, readFrames } from '@swapwright/core'
import { createLibp2p } from 'libp2p'
import { identify } from '@libp2p/identify'
import { openBitswap, wantFrame, write } from './hostile/attackers.js'
import { makeBlocks, type TestBlock } from './util/blocks.js'
import { runCli, startServe, type CliProcess } from './util/cli-process.js'
import { loopbackStack, until } from './util/libp2p-node.js'
import type { Libp2p, Stream } from '@libp2p/interface'

/*
 * `swapwright serve` sets every limit from its own flag: a value that cannot work is a usage error naming the
 * flag before anything starts, and a valid one reaches the server it runs (seen from outside, over real libp2p).
 */

/** `serve` over a repository holding `blocks`, once it is ready. */
async function serve (dir: string, blocks: TestBlock[], flags: string[]): Promise<{ server: CliProcess, address: string }> {
  const repo = await openRepo(join(dir, 'repo'))
  for (const block of blocks) await repo.blockstore.put(block.cid, block.data)
  await repo.close()
  return startServe(['--repo', join(dir, 'repo'), ...flags], dir)
}

/** A peer that reads every Bitswap stream to it and counts the blocks that arrive. */
async function countingPeer (): Promise<{ node: Libp2p, blocks: () => number }> {
  let blocks = 0
  const node = await createLibp2p({ ...loopbackStack(), services: { identify: identify() } })
  await node.handle([...BITSWAP_PROTOCOLS], (stream: Stream) => {
    void (async () => {
      for await (const bytes of readFrames(stream)) blocks += decodeMessage(bytes).blocks.length
    })().catch(() => {})
  })
  return { node, blocks: () => blocks }
}

describe('serve: a flag for every limit', () => {
  let dir: string
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'swapwright-limit-flags-')) })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  for (const [args, flag] of [
    [['--max-wantlist-entries', 'lots'], '--max-wantlist-entries'],
    [['--max-wants-per-peer', '0'], '--max-wants-per-peer'],
    [['--read-timeout', '1.5'], '--read-timeout'],
    [['--max-inbound-streams-per-peer', '0'], '--max-inbound-streams-per-peer'],
    [['--max-incoming-message-size', '1000'], '--max-incoming-message-size'],
    [['--send-timeout', '5000', '--max-send-timeout', '1000'], '--max-send-timeout']
  ] as const) {
    it(`${args.join(' ')} is a usage error naming ${flag}, before any work`, async () => {
      const cwd = await mkdtemp(join(dir, 'bad-'))
      const { code, stderr } = await runCli(['serve', ...args, '--listen', '/ip4/127.0.0.1/tcp/0'], cwd)
      assert.equal(code, 2, stderr)
      assert.match(stderr, new RegExp(flag))
      assert.deepEqual(await readdir(cwd), [], 'no repository was opened')
    })
  }

  it('--max-wantlist-entries and --max-inbound-streams-per-peer reach the server serve runs', async () => {
    const blocks = await makeBlocks(5, 1024, 77)
    const { server, address } = await serve(await mkdtemp(join(dir, 'ok-')), blocks, ['--max-wantlist-entries', '2', '--max-inbound-streams-per-peer', '1'])
    const peer = await countingPeer()
    try {
      const target = [multiaddr(address)]
      const first = await openBitswap(peer.node, target)
      // Five wants in one message; all peers together may hold two, so two blocks come back and no more.
      await write(first, wantFrame(blocks.map(b => b.cid)))
      await until(() => peer.blocks() >= 2)
      // A second stream while the first is open is one more than the peer may hold: it is reset.
      const second = await openBitswap(peer.node, target).catch(() => undefined)
      if (second != null) await until(() => second.status !== 'open')
      await new Promise(resolve => setTimeout(resolve, 500))
      assert.equal(peer.blocks(), 2, 'the server kept two wants of five')
      assert.ok(first.status !== 'reset' && first.status !== 'aborted', 'the first stream was not reset')
    } finally {
      await peer.node.stop()
      await server.stop()
    }
    assert.equal((await server.next('stopped')).blocksSent, 2)
  })
})
