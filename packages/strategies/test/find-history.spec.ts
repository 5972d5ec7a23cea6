import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FindHistory } from '../src/broadcast-policy/find-history.js'

const sets = (history: FindHistory): Array<[number, string[]]> => history.kept().filter(find => find.peers.size > 0).map(find => [find.at, [...find.peers].sort()])

describe('FindHistory', () => {
  it('gives an answer to the last broadcast begun at least its delay before it, not to the latest', () => {
    const history = new FindHistory(8)
    history.begin(0)
    history.begin(50)
    history.add('slow', 100, 80) // a HAVE one 100 ms round trip after the first broadcast: the second began too late
    history.add('fast', 75, 20) // 25 ms after the second
    history.add('late', 5000, 80) // long after both: the latest
    assert.deepEqual(sets(history), [[0, ['slow']], [50, ['fast', 'late']]])
  })

  it('keeps the last capacity broadcasts, and leaves out those nobody answered', () => {
    const history = new FindHistory(2)
    history.begin(0)
    history.add('a', 10, 5)
    history.begin(100)
    history.begin(200)
    history.add('b', 210, 5)
    assert.deepEqual(sets(history), [[200, ['b']]], 'the first was dropped, the second had no answer')
    history.add('c', 150, 40)
    assert.deepEqual(sets(history), [[100, ['c']], [200, ['b']]])
  })
})
