import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Inputs that once broke the node, fed again first on every run (test/fuzz-corpus; this file runs from test/dist/src/hostile). */
export const CORPUS = fileURLToPath(new URL('../../../fuzz-corpus/', import.meta.url))

/** Writes a body to the corpus under a name from its digest (so keeping it twice keeps one file); returns the name. */
export function keep (body: Uint8Array): string {
  const name = `${createHash('sha256').update(body).digest('hex').slice(0, 16)}.bin`
  writeFileSync(join(CORPUS, name), body)
  return name
}

export function readCorpus (): Uint8Array[] {
  return readdirSync(CORPUS).filter(name => name.endsWith('.bin')).map(name => new Uint8Array(readFileSync(join(CORPUS, name))))
}
