import { factoryPlugin, type PeerSelector, type Plugin, type SessionFeedback } from '@swapwright/core'

/**
 * The peer selector `inner`, unchanged, with every session's feedback (peers added, HAVE, DONT_HAVE, blocks)
 * also handed to `observe`: the command learns what its peers answered without reaching into core's session.
 */
export function observedPeerSelector (inner: Plugin<PeerSelector>, observe: (feedback: SessionFeedback) => void): Plugin<PeerSelector> {
  return factoryPlugin(inner.name, components => {
    const selector = inner(components)
    return {
      name: selector.name,
      forSession: context => {
        const session = selector.forSession(context)
        return {
          rank: (cid, peers) => session.rank(cid, peers),
          observe: feedback => {
            session.observe(feedback)
            observe(feedback)
          }
        }
      }
    }
  })
}
