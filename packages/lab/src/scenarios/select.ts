/** A glob (`*` any run of characters, `?` one) as an anchored, case-insensitive regular expression. */
function globToRegExp (glob: string): RegExp {
  const body = glob.split('').map(c => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('')
  return new RegExp(`^${body}$`, 'i')
}

/**
 * The scenarios a pattern names. A pattern is matched against the full name (`FixedDelay/3Nodes-...`) and
 * against the part after the group, so `3Nodes-AllToAll-*` picks that family in every group and
 * `FixedDelay/*` a whole group. Several patterns (comma-separated or repeated) add up, in catalog order.
 */
export function selectScenarios<S extends { readonly name: string }> (catalog: readonly S[], patterns: readonly string[]): S[] {
  const globs = patterns.flatMap(p => p.split(',')).map(p => p.trim()).filter(p => p !== '')
  const matchers = globs.map(glob => ({ glob, re: globToRegExp(glob), hits: 0 }))
  const chosen = catalog.filter(scenario => {
    const short = scenario.name.slice(scenario.name.indexOf('/') + 1)
    let hit = false
    for (const m of matchers) {
      if (m.re.test(scenario.name) || m.re.test(short)) {
        m.hits++
        hit = true
      }
    }
    return hit
  })
  const unmatched = matchers.filter(m => m.hits === 0).map(m => m.glob)
  if (unmatched.length > 0) throw new RangeError(`No scenario matches ${unmatched.map(g => `"${g}"`).join(', ')}`)
  return chosen
}
