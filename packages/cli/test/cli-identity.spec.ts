import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Running, swapwright } from './cli-helpers.js'

describe('a repository keeps its peer identity', () => {
  let work: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'swapwright-cli-identity-'))
    await writeFile(join(work, 'file.bin'), randomBytes(1024 * 1024 + 3))
  })

  after(async () => {
    await rm(work, { recursive: true, force: true })
  })

  it('swapwright id creates the identity once, keeps it private, and prints the same peer id every time', async () => {
    const first = await swapwright(['id', '--repo', 'repo-a', '--json'], work)
    assert.equal(first.code, 0, first.stderr)
    const peer = first.events[0].peer as string
    assert.match(peer, /^12D3KooW/)
    assert.equal(statSync(join(work, 'repo-a', 'identity.key')).mode & 0o777, 0o600)
    const again = await swapwright(['id', '--repo', 'repo-a'], work)
    assert.equal(again.stdout, `${peer}\n`)
    const other = await swapwright(['id', '--repo', 'repo-b', '--json'], work)
    assert.notEqual(other.events[0].peer, peer, 'another repository, another identity')
  })

  it('serve restarted on one repository keeps its peer id, and serves under it', async () => {
    const listen = ['--listen', '/ip4/127.0.0.1/tcp/0', '--json']
    const before = new Running(['serve', 'file.bin', '--repo', 'served', ...listen], work)
    const firstAddress = (await before.next('listening')).address as string
    const root = (await before.next('serving')).cid as string
    const firstPeer = (await before.next('ready')).peer as string
    assert.equal(await before.stop(), 0)
    const id = await swapwright(['id', '--repo', 'served', '--json'], work)
    assert.equal(id.events[0].peer, firstPeer, 'id prints the peer id serve used')

    const after = new Running(['serve', '--repo', 'served', ...listen], work)
    try {
      const secondAddress = (await after.next('listening')).address as string
      assert.equal((await after.next('ready')).peer, firstPeer)
      assert.equal(secondAddress.split('/p2p/')[1], firstAddress.split('/p2p/')[1])
      const got = await swapwright(['get', root, '--peer', secondAddress, '--repo', 'fetcher', '-o', 'copy.bin', '--json'], work)
      assert.equal(got.code, 0, got.stderr + got.stdout)
      assert.deepEqual(await readFile(join(work, 'copy.bin')), await readFile(join(work, 'file.bin')))
    } finally {
      assert.equal(await after.stop(), 0)
    }
  })

  it('an identity file that is not a key is a clear error, not a new identity', async () => {
    await swapwright(['id', '--repo', 'broken'], work)
    await writeFile(join(work, 'broken', 'identity.key'), 'not a key')
    const result = await swapwright(['id', '--repo', 'broken'], work)
    assert.equal(result.code, 1)
    assert.match(result.stderr, /identity .*identity\.key is not a private key .*move it away/)
    assert.equal(await readFile(join(work, 'broken', 'identity.key'), 'utf8'), 'not a key', 'left as it was')
  })
})
