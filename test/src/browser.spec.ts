/**
 * Swapwright in a browser: a node built from browser-safe parts (see browser/page.ts), bundled with esbuild,
 * runs in real headless Chromium and fetches a UnixFS file from `swapwright serve` listening on WebSockets on
 * 127.0.0.1. Chromium is the system's (Debian's `chromium`, or SWAPWRIGHT_CHROMIUM); nothing downloads a browser.
 * Without one the test is skipped with a message, except under CI=true, where that is a failure.
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { chromiumFor } from './util/chromium.js'
import { startCli } from './util/cli-process.js'
import type { BrowserFetch } from './browser/page.js'

const PAGE = fileURLToPath(new URL('./browser/page.js', import.meta.url))
const MiB = 1024 * 1024

/** The page and its bundle, served over HTTP on 127.0.0.1 (a secure context, so WebCrypto is there). */
async function servePage (bundle: string): Promise<{ url: string, server: Server }> {
  const html = '<!doctype html><meta charset="utf-8"><title>swapwright</title><script type="module" src="/page.js"></script>'
  const server = createServer((req, res) => {
    const js = req.url === '/page.js'
    res.writeHead(js || req.url === '/' ? 200 : 404, { 'content-type': js ? 'text/javascript' : 'text/html' })
    res.end(js ? bundle : req.url === '/' ? html : '')
  })
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  const address = server.address()
  assert.ok(address != null && typeof address === 'object')
  return { url: `http://127.0.0.1:${address.port}/`, server }
}

describe('Swapwright in a browser', { timeout: 180_000 }, () => {
  it('a node in headless Chromium fetches a UnixFS file from swapwright serve over WebSockets', async (t) => {
    const executablePath = chromiumFor(t)
    if (executablePath == null) return
    const bundled = await build({ entryPoints: [PAGE], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' })
    const dir = await mkdtemp(join(tmpdir(), 'swapwright-browser-'))
    const file = join(dir, 'file.bin')
    const content = randomBytes(3 * MiB + 12_345)
    await writeFile(file, content)
    const page = await servePage(bundled.outputFiles[0].text)
    const serve = await startCli(['serve', '--json', '--repo', join(dir, 'repo'), '--listen', '/ip4/127.0.0.1/tcp/0/ws', file], dir)
    const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] })
    try {
      const { cid } = await serve.next('serving')
      const { address } = await serve.next('listening')
      const { peer } = await serve.next('ready')
      assert.match(address, /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws/, 'serve listens on WebSockets on 127.0.0.1')
      const dial = address.includes('/p2p/') ? address : `${address}/p2p/${peer}`

      const tab = await browser.newPage()
      const errors: string[] = []
      tab.on('pageerror', err => { errors.push(err.message) })
      await tab.goto(page.url)
      await tab.waitForFunction(() => 'swapwrightFetch' in globalThis, undefined, { timeout: 30_000 })
      const got = await tab.evaluate(async ([server, root]) => {
        return (globalThis as unknown as { swapwrightFetch: (s: string, r: string) => Promise<BrowserFetch> }).swapwrightFetch(server, root)
      }, [dial, cid] as [string, string])

      assert.deepEqual(errors, [], 'the page threw nothing')
      assert.equal(got.bytes, content.byteLength)
      assert.equal(got.sha256, createHash('sha256').update(content).digest('hex'), 'the browser got the file byte for byte')
      assert.ok(got.blocks > 1, `a file of several blocks (${got.blocks})`)
    } finally {
      await browser.close()
      await serve.stop()
      page.server.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
