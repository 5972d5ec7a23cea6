import assert from 'node:assert/strict'
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { serveOnLoopback, swapwright } from './cli-helpers.js'

/**
 * CIDs Kubo publishes for the bytes "hello world" in its own command tests: its unixfs-v0-2015 default (CIDv0,
 * leaves wrapped in UnixFS) and its CIDv1 raw-leaf form, which unixfs-v1-2025 gives a one-block file.
 */
const HELLO = 'hello world'
const KUBO_HELLO_V0 = 'Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD'
const KUBO_HELLO_V1 = 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e'

describe('symbolic links both ways, and Kubo\'s import profiles', () => {
  let work: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'swapwright-cli-symlinks-'))
    await writeFile(join(work, 'hello.txt'), HELLO)
    await mkdir(join(work, 'tree', 'sub'), { recursive: true })
    await writeFile(join(work, 'tree', 'a.txt'), 'first\n')
    await writeFile(join(work, 'tree', 'sub', 'b.txt'), 'second\n')
    await symlink('a.txt', join(work, 'tree', 'to-a'))
    await symlink('../a.txt', join(work, 'tree', 'sub', 'up-to-a'))
    // pointing outside the tree, and at nothing at all: stored as text, never followed
    await symlink('/etc/hostname', join(work, 'tree', 'outside'))
    await symlink('missing', join(work, 'tree', 'dangling'))
  })

  after(async () => {
    await rm(work, { recursive: true, force: true })
  })

  it('add --profile reproduces the CIDs Kubo publishes; --kubo is unixfs-v0-2015', async () => {
    const v0 = await swapwright(['add', 'hello.txt', '--profile', 'unixfs-v0-2015', '--repo', 'r0', '--json'], work)
    assert.equal(v0.events[0]?.cid, KUBO_HELLO_V0, v0.stderr)
    const kubo = await swapwright(['add', 'hello.txt', '--kubo', '--repo', 'r0', '--json'], work)
    assert.equal(kubo.events[0]?.cid, KUBO_HELLO_V0)
    const v1 = await swapwright(['add', 'hello.txt', '--profile', 'unixfs-v1-2025', '--repo', 'r1', '--json'], work)
    assert.equal(v1.events[0]?.cid, KUBO_HELLO_V1, v1.stderr)
  })

  it('a profile that does not exist, or one with --chunk-size, is a usage error', async () => {
    const unknown = await swapwright(['add', 'hello.txt', '--profile', 'unixfs-v9', '--repo', 'r2'], work)
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /--profile must be one of unixfs-v0-2015, unixfs-v1-2025/)
    const both = await swapwright(['add', 'hello.txt', '--profile', 'unixfs-v1-2025', '--chunk-size', '1000', '--repo', 'r2'], work)
    assert.equal(both.code, 2)
  })

  it('add stores symbolic links (the root CID changes with a link\'s target), and get recreates them without following', async () => {
    const added = await swapwright(['add', 'tree', '--repo', 'r3', '--json'], work)
    assert.equal(added.code, 0, added.stderr)
    const withLinks = added.events[0].cid as string
    await rm(join(work, 'tree', 'dangling'))
    await symlink('elsewhere', join(work, 'tree', 'dangling'))
    const retargeted = await swapwright(['add', 'tree', '--repo', 'r3', '--json'], work)
    assert.notEqual(retargeted.events[0].cid, withLinks, 'the links are part of the tree')
    await rm(join(work, 'tree', 'dangling'))
    await symlink('missing', join(work, 'tree', 'dangling'))

    const { server, address, root } = await serveOnLoopback(['tree', '--repo', 'served'], work)
    try {
      assert.equal(root, withLinks)
      const got = await swapwright(['get', withLinks, '--peer', address, '--repo', 'fetched', '-o', 'copy'], work)
      assert.equal(got.code, 0, got.stderr)
      const listed = await swapwright(['ls', withLinks, '--peer', address, '--repo', 'fetched', '--json'], work)
      assert.deepEqual(listed.events.filter(e => e.event === 'entry').map(e => `${e.name}:${e.type}`),
        ['a.txt:file', 'dangling:symlink', 'outside:symlink', 'sub:directory', 'to-a:symlink'])
    } finally {
      assert.equal(await server.stop(), 0)
    }
    const copy = join(work, 'copy')
    assert.equal(await readFile(join(copy, 'a.txt'), 'utf8'), 'first\n')
    assert.equal(await readFile(join(copy, 'sub', 'b.txt'), 'utf8'), 'second\n')
    for (const [link, target] of [['to-a', 'a.txt'], ['sub/up-to-a', '../a.txt'], ['outside', '/etc/hostname'], ['dangling', 'missing']]) {
      assert.ok((await lstat(join(copy, link))).isSymbolicLink(), `${link} is a symbolic link`)
      assert.equal(await readlink(join(copy, link)), target, link)
    }
    assert.equal(await readFile(join(copy, 'to-a'), 'utf8'), 'first\n', 'a relative link inside the tree works')
  })

  it('get never writes through a symbolic link already at the output path', async () => {
    const added = await swapwright(['add', 'hello.txt', '--repo', 'r4', '--json'], work)
    const cid = added.events[0].cid as string
    const { server, address } = await serveOnLoopback(['--repo', 'r4'], work)
    try {
      await writeFile(join(work, 'victim.txt'), 'untouched')
      await symlink('victim.txt', join(work, 'trap'))
      const got = await swapwright(['get', cid, '--peer', address, '--repo', 'r5', '-o', 'trap'], work)
      assert.equal(got.code, 1, got.stderr)
      assert.match(got.stderr, /trap is a symbolic link; nothing is written through one/)
      assert.equal(await readFile(join(work, 'victim.txt'), 'utf8'), 'untouched')
    } finally {
      assert.equal(await server.stop(), 0)
    }
  })
})
