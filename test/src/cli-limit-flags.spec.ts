import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { multiaddr } from '@multiformats/multiaddr'
import { openRepo } from '@swapwright/cli'
import { BITSWAP_PROTOCOLS, decodeMessage, readFrames } from '@swapwright/core'
import { createLibp2p } from 'libp2p'
import { identify } from '@libp2p/identify'
import { openBitswap, wantFrame, write } from './hostile/attackers.js'
import { makeBlocks, type TestBlock } from './util/blocks.js'
import { loopbackStack, until } from './util/libp2p-node.js'
import type { Libp2p, Stream } from '@libp2p/interface'

/*
 * `swapwright serve` sets every limit from its own flag: a value that cannot work is a usage error naming the
 * flag before anything starts, and a valid one reaches the server it runs (seen from outside, over real libp2p).
 */

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/src/cli.js', import.meta.url))

interface Run { code: number | null, stderr: string }

async function run (args: string[], cwd: string): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', chunk => { stderr += String(chunk) })
  const [code] = await once(child, 'exit') as [number | null]
  return { code, stderr }
}

/** `serve --json` over a repository holding `blocks`; resolves once it is ready, with its addresses. */
async function serve (dir: string, blocks: TestBlock[], flags: string[]): Promise<{ child: ChildProcess, addresses: string[], events: Array<Record<string, any>> }> {
  const repo = await openRepo(join(dir, 'repo'))
  for (const block of blocks) await repo.blockstore.put(block.cid, block.data)
  await repo.close()
  const child = spawn(process.execPath, [CLI, 'serve', '--repo', join(dir, 'repo'), '--listen', '/ip4/127.0.0.1/tcp/0', '--json', ...flags], { stdio: ['ignore', 'pipe', 'inherit'] })
  const events: Array<Record<string, any>> = []
  let buffered = ''
  child.stdout?.on('data', (data: Buffer) => {
    buffered += data.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) if (line.trim() !== '') events.push(JSON.parse(line))
  })
  await until(() => events.some(e => e.event === 'ready') || child.exitCode != null)
  assert.equal(child.exitCode, null, 'serve is running')
  return { child, addresses: events.filter(e => e.event === 'listening').map(e => e.address), events }
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
      const { code, stderr } = await run(['serve', ...args, '--listen', '/ip4/127.0.0.1/tcp/0'], cwd)
      assert.equal(code, 2, stderr)
      assert.match(stderr, new RegExp(flag))
      assert.deepEqual(await readdir(cwd), [], 'no repository was opened')
    })
  }

  it('--max-wantlist-entries and --max-inbound-streams-per-peer reach the server serve runs', async () => {
    const blocks = await makeBlocks(5, 1024, 77)
    const server = await serve(await mkdtemp(join(dir, 'ok-')), blocks, ['--max-wantlist-entries', '2', '--max-inbound-streams-per-peer', '1'])
    const peer = await countingPeer()
    try {
      const target = server.addresses.map(a => multiaddr(a))
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
      server.child.kill('SIGINT')
      await once(server.child, 'exit')
    }
    assert.equal(server.events.find(e => e.event === 'stopped')?.blocksSent, 2)
  })
})
