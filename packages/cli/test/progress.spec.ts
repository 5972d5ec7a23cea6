import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'
import { progressBar, progressFigures, renderProgress } from '../src/progress.js'
import { summaryText } from '../src/summary-text.js'
import { humanBytes, humanDuration, humanRate } from '../src/units.js'
import type { GetSummary } from '../src/get-dag.js'

const MiB = 1024 * 1024

describe('human units', () => {
  it('bytes in binary units with one decimal, whole bytes below 1 KiB', () => {
    assert.equal(humanBytes(0), '0 B')
    assert.equal(humanBytes(1023), '1023 B')
    assert.equal(humanBytes(1024), '1.0 KiB')
    assert.equal(humanBytes(64 * MiB), '64.0 MiB')
    assert.equal(humanBytes(1.5 * 1024 * MiB), '1.5 GiB')
  })

  it('rates and durations', () => {
    assert.equal(humanRate(64 * MiB, 1.2), '53.3 MiB/s')
    assert.equal(humanRate(5, 0), '-')
    assert.equal(humanDuration(1.23), '1.2 s')
    assert.equal(humanDuration(184), '3 min 04 s')
    assert.equal(humanDuration(7500), '2 h 05 min')
  })
})

describe('a progress line', () => {
  it('without a total: bytes, blocks and rate', () => {
    assert.equal(renderProgress('fetching', { done: 10 * MiB, blocks: 10, seconds: 2 }), 'fetching 10.0 MiB  10 blocks  5.0 MiB/s')
  })

  it('with a total: a bar, percent and ETA', () => {
    const line = renderProgress('fetching', { done: 16 * MiB, total: 64 * MiB, blocks: 16, seconds: 2 })
    assert.equal(line, 'fetching [======------------------]  25%  16.0 MiB / 64.0 MiB  16 blocks  8.0 MiB/s  ETA 6.0 s')
  })

  it('counts only what moved for the rate and the ETA: a resumed fetch found the rest on disk at once', () => {
    // 48 MiB were in the repository, 4 MiB came over the network in 2 s: 2 MiB/s, and 12 MiB left take 6 s
    const state = { done: 52 * MiB, total: 64 * MiB, moved: 4 * MiB, seconds: 2 }
    const figures = progressFigures(state)
    assert.equal(figures.percent, 81)
    assert.equal(figures.bytesPerSecond, 2 * MiB)
    assert.equal(figures.etaSeconds, 6)
    assert.match(renderProgress('fetching', state), / 2\.0 MiB\/s {2}ETA 6\.0 s$/)
  })

  it('never says more than 100%, and no ETA before anything moved or in the first second', () => {
    assert.equal(progressFigures({ done: 70, total: 64, seconds: 1 }).percent, 100)
    assert.equal(progressFigures({ done: 0, total: 64, seconds: 2 }).etaSeconds, undefined)
    assert.equal(progressFigures({ done: 1, total: 64, seconds: 0.5 }).etaSeconds, undefined)
  })

  it('once done, the time it took', () => {
    assert.match(renderProgress('writing', { done: 64 * MiB, total: 64 * MiB, seconds: 0.25 }), /\] 100%  64\.0 MiB \/ 64\.0 MiB  256\.0 MiB\/s  in 0\.3 s$/)
  })
})

describe('a fetch summary', () => {
  const base: GetSummary = {
    cid: 'bafy', out: 'x', blocks: 65, bytes: 64 * MiB + 3000, fileBytes: 64 * MiB, writtenBytes: 64 * MiB, seconds: 1.2,
    megabytesPerSecond: 0, duplicates: 0, received: 65, receivedBytes: 64 * MiB + 3000, providers: [], peakMemoryBytes: 0, firstWantMs: 0, firstWantCpuMs: 0
  }

  it('file bytes and DAG bytes apart, the rate over what came over the network', () => {
    assert.equal(summaryText(base), '64.0 MiB file (64.0 MiB DAG in 65 blocks) in 1.2 s, 53.3 MiB/s, 0 duplicates')
  })

  it('on a resumed fetch, says how much came over the network', () => {
    assert.equal(summaryText({ ...base, received: 5, receivedBytes: 5 * MiB, seconds: 0.5 }),
      '64.0 MiB file (64.0 MiB DAG in 65 blocks), 5.0 MiB of it over the network (the rest was in the repository) in 0.5 s, 10.0 MiB/s, 0 duplicates')
  })

  it('a directory: the DAG alone', () => {
    const directory: GetSummary = { ...base }
    delete directory.fileBytes
    assert.match(summaryText(directory), /^64\.0 MiB DAG in 65 blocks in 1\.2 s/)
  })
})

describe('the progress bar on a terminal', () => {
  /** A stream that says it is a terminal and keeps what is written to it. */
  function terminal (): NodeJS.WriteStream & { text: () => string } {
    const chunks: string[] = []
    const stream = new Writable({ write: (chunk, _encoding, done) => { chunks.push(String(chunk)); done() } }) as unknown as NodeJS.WriteStream & { text: () => string }
    Object.assign(stream, { isTTY: true, columns: 160, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, text: () => chunks.join('') })
    return stream
  }

  it('draws the rendered line, redrawn in place, and leaves the last state on screen', async () => {
    const stream = terminal()
    const bar = progressBar('fetching', true, stream)
    await bar.shown
    bar.update({ done: 16 * MiB, total: 64 * MiB, blocks: 16, seconds: 2 })
    bar.update({ done: 64 * MiB, total: 64 * MiB, blocks: 64, seconds: 4 })
    bar.stop()
    const text = stream.text()
    assert.ok(text.includes('fetching [========================] 100%  64.0 MiB / 64.0 MiB  64 blocks  16.0 MiB/s  in 4.0 s'), JSON.stringify(text))
  })

  it('leaves the last state on screen when the work ended before the line was first drawn', async () => {
    const stream = terminal()
    const bar = progressBar('fetching', true, stream)
    bar.update({ done: 64 * MiB, total: 64 * MiB, blocks: 64, seconds: 4 })
    bar.stop()
    await bar.shown
    const text = stream.text()
    assert.ok(text.includes('fetching [========================] 100%  64.0 MiB / 64.0 MiB  64 blocks  16.0 MiB/s  in 4.0 s'), JSON.stringify(text))
  })

  it('draws nothing when off (--json) or when the stream is not a terminal', () => {
    const off = terminal()
    progressBar('fetching', false, off).update({ done: 1, seconds: 1 })
    const pipe = terminal()
    Object.assign(pipe, { isTTY: false })
    const bar = progressBar('fetching', true, pipe)
    bar.update({ done: 1, seconds: 1 })
    bar.stop()
    assert.equal(off.text() + pipe.text(), '')
  })
})
