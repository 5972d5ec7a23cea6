/**
 * What the browser test runs in Chromium, bundled with esbuild: a Swapwright node made only of parts that run in
 * a browser (core, the Go-default strategies, the memory store, libp2p over WebSockets) fetching a UnixFS file.
 * It dials nothing but 127.0.0.1: libp2p in a browser refuses plain ws and private addresses unless told, and
 * the connection gater below allows exactly loopback.
 */
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { blockstorePlugin, createBitswap } from '@swapwright/core'
import { memoryBlockstore } from '@swapwright/stores/memory'
import { goDefaults } from '@swapwright/strategies'
import { libp2pNetwork } from '@swapwright/transports'
import { exporter } from 'ipfs-unixfs-exporter'
import { createLibp2p } from 'libp2p'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'

export interface BrowserFetch {
  bytes: number
  /** Hex sha2-256 of the file, to compare with what the server added. */
  sha256: string
  blocks: number
}

const onlyLoopback = (address: Multiaddr): boolean => !address.toString().startsWith('/ip4/127.0.0.1/')

async function fetchFile (server: string, root: string): Promise<BrowserFetch> {
  const libp2p = await createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: onlyLoopback },
    services: { identify: identify() }
  })
  const store = memoryBlockstore()
  const bitswap = createBitswap({ network: libp2pNetwork(libp2p), blockstore: blockstorePlugin(store), ...goDefaults() })
  await bitswap.start()
  try {
    const address = multiaddr(server)
    await libp2p.dial(address)
    let blocks = 0
    const blockSource = {
      async * get (cid: CID, options?: { signal?: AbortSignal }): AsyncGenerator<Uint8Array> {
        blocks++
        yield await bitswap.want(cid, options)
      }
    }
    const entry = await exporter(CID.parse(root), blockSource as any)
    if (entry.type !== 'file' && entry.type !== 'raw') throw new Error(`${root} is a ${entry.type}, not a file`)
    const chunks: Uint8Array[] = []
    for await (const chunk of entry.content()) chunks.push(chunk)
    const whole = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0))
    let at = 0
    for (const chunk of chunks) {
      whole.set(chunk, at)
      at += chunk.byteLength
    }
    const digest = await sha256.digest(whole)
    return { bytes: whole.byteLength, sha256: [...digest.digest].map(b => b.toString(16).padStart(2, '0')).join(''), blocks }
  } finally {
    await bitswap.stop()
    await libp2p.stop()
  }
}

Object.assign(globalThis, { swapwrightFetch: fetchFile })
