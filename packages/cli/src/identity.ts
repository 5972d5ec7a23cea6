import { randomBytes } from 'node:crypto'
import { link, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { errorMessage } from '@swapwright/core'
import { CliError, ExitCode } from './errors.js'
import type { PrivateKey } from '@libp2p/interface'

/** The file in a repository that holds the node's private key (libp2p's protobuf form, readable by its owner only). */
export const IDENTITY_FILE = 'identity.key'

/**
 * The repository's peer identity, created the first time and kept, as Kubo keeps its own: a node served from
 * the same repository has the same peer id, so the addresses others were given stay valid across restarts.
 */
export async function repoIdentity (dir: string): Promise<PrivateKey> {
  const path = join(dir, IDENTITY_FILE)
  const existing = await readKey(path)
  if (existing != null) return existing
  const key = await generateKeyPair('Ed25519')
  // Written aside, then linked into place: the file appears whole or not at all, and of two processes creating
  // it at once the second finds the first one's key and uses that.
  const aside = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeFile(aside, privateKeyToProtobuf(key), { mode: 0o600 })
    await link(aside, path)
    return key
  } catch (err) {
    if ((err as { code?: string }).code !== 'EEXIST') {
      throw new CliError(`Cannot store the repository's identity in ${path}: ${errorMessage(err)}`, ExitCode.failure, { cause: err })
    }
    return await readKey(path) as PrivateKey
  } finally {
    await rm(aside, { force: true })
  }
}

async function readKey (path: string): Promise<PrivateKey | undefined> {
  let bytes
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined
    throw new CliError(`Cannot read the repository's identity ${path}: ${errorMessage(err)}`, ExitCode.failure, { cause: err })
  }
  try {
    return privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new CliError(`The repository's identity ${path} is not a private key (${errorMessage(err)}); ` +
      'move it away to give this repository a new peer id', ExitCode.failure, { cause: err })
  }
}
