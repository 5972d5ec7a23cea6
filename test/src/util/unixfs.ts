import { importBytes, type ImporterOptions } from 'ipfs-unixfs-importer'
import type { Session } from '@swapwright/core'
import type { ReadableStorage } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

/**
 * Imports `bytes` as a UnixFS file into `put`, returning the root and every block CID the importer wrote (the
 * importer itself only reports the root).
 */
export async function importFile (bytes: Uint8Array, options: ImporterOptions, put: (cid: CID, data: Uint8Array) => Promise<unknown>): Promise<{ root: CID, cids: CID[] }> {
  const written = new Map<string, CID>()
  const { cid: root } = await importBytes(bytes, {
    put: async (cid: CID, data: Uint8Array) => {
      written.set(cid.toString(), cid)
      await put(cid, data)
      return cid
    }
  }, options)
  return { root, cids: [...written.values()] }
}

export async function collect (source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return Buffer.concat(parts)
}

/** A read-only blockstore whose reads are fetches through a Swapwright session: what the exporter walks. */
export function sessionStore (session: Session): ReadableStorage {
  return {
    get: (cid, options) => (async function * () {
      yield await session.getBlock(cid, options)
    })()
  }
}
