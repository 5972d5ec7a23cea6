import type { CommandEntry } from '../command.js'

/** Every subcommand, in the order `--help` lists them; each module is imported only when its command runs. */
export const commands: CommandEntry[] = [
  { name: 'add', summary: 'import a file or directory into the repository as UnixFS and print its CID', load: async () => (await import('./add-command.js')).addCommand },
  { name: 'serve', summary: 'serve the repository (adding the given paths first) until interrupted', load: async () => (await import('./serve-command.js')).serveCommand },
  { name: 'get', summary: 'fetch a file or directory by CID or path from peers or the DHT, verifying every block', load: async () => (await import('./get-command.js')).getCommand },
  { name: 'cat', summary: 'fetch a file by CID or path and write its bytes to stdout (get -o -)', load: async () => (await import('./get-command.js')).catCommand },
  { name: 'ls', summary: 'list a directory by CID or path from peers or the DHT: CID, size and name of each entry', load: async () => (await import('./ls-command.js')).lsCommand },
  { name: 'id', summary: 'print the peer id of the repository, the one serve uses', load: async () => (await import('./id-command.js')).idCommand },
  { name: 'demo', summary: 'two nodes on 127.0.0.1 in one process: one serves a generated file, the other fetches it', load: async () => (await import('./demo-command.js')).demoCommand },
  { name: 'lab', summary: 'run the strategy lab: benchmark scenarios in virtual time, strategy sets side by side', load: async () => (await import('./lab-command.js')).labCommand }
]
