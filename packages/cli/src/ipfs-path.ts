import { CID } from 'multiformats/cid'
import { CliError, ExitCode } from './errors.js'

/** What `get`, `cat` and `ls` accept: `<cid>`, `<cid>/<path>`, `/ipfs/<cid>/<path>` or `ipfs://<cid>/<path>`. */
export interface IpfsPath {
  cid: CID
  /** The path below the CID, segment by segment (empty for the CID itself). */
  segments: string[]
  /** As the exporter resolves it: `<cid>/<path>`. */
  text: string
}

export function parseIpfsPath (arg: string): IpfsPath {
  const rest = arg.startsWith('/ipfs/') ? arg.slice('/ipfs/'.length) : arg.startsWith('ipfs://') ? arg.slice('ipfs://'.length) : arg
  const [first, ...segments] = rest.split('/').filter(s => s !== '')
  let cid: CID
  try {
    cid = CID.parse(first ?? '')
  } catch (err) {
    throw new CliError(`Not a valid CID: ${first ?? arg}${arg.startsWith('/') && !arg.startsWith('/ipfs/') ? ' (only /ipfs/ paths are supported)' : ''}`, ExitCode.usage, { cause: err })
  }
  if (segments.some(s => s === '.' || s === '..')) throw new CliError(`A path below a CID cannot contain . or ..: ${arg}`, ExitCode.usage)
  return { cid, segments, text: [cid.toString(), ...segments].join('/') }
}
