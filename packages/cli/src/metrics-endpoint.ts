import { createServer, type Server } from 'node:http'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { Registry } from 'prom-client'
import { CliError, ExitCode } from './errors.js'

/** Where the metrics are served, as given to `--metrics`: `HOST:PORT` (`[::1]:9090` for IPv6) or `:PORT`; port 0 picks a free one. */
export interface MetricsAddress {
  host: string
  port: number
}

/** The path scrapers read; any other path is 404. */
export const METRICS_PATH = '/metrics'

export function parseMetricsAddress (text: string): MetricsAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text)
  const port = Number(match?.[3])
  if (match == null || port > 65535) {
    throw new CliError(`--metrics takes HOST:PORT, e.g. 127.0.0.1:9090 (or :9090 for every address): got "${text}"`, ExitCode.usage)
  }
  const host = match[1] ?? match[2]
  return { host: host === '' ? '0.0.0.0' : host, port }
}

/**
 * Prometheus metrics for one node: `metrics` goes to libp2p's `metrics` option (libp2p's own metrics and,
 * registered by `startNode`, Bitswap's), and `listen()` serves them all in Prometheus' text format over HTTP.
 * The node gets a registry of its own, so two nodes in one process keep their metrics apart.
 */
export class MetricsEndpoint {
  readonly metrics: ReturnType<typeof prometheusMetrics>
  private readonly registry = new Registry()
  private server: Server | undefined

  constructor () {
    this.metrics = prometheusMetrics({ registry: this.registry })
  }

  /** Starts serving at `address`; returns the URL to scrape. A taken port is a clear error. */
  async listen (address: MetricsAddress): Promise<string> {
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || (request.url ?? '/').split('?')[0] !== METRICS_PATH) {
        response.writeHead(404).end(`metrics are at ${METRICS_PATH}\n`)
        return
      }
      this.registry.metrics().then(text => {
        response.writeHead(200, { 'content-type': this.registry.contentType }).end(text)
      }, (err: Error) => {
        response.writeHead(500).end(`${err.message}\n`)
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', err => {
        const code = (err as { code?: string }).code
        reject(code === 'EADDRINUSE'
          ? new CliError(`Cannot serve metrics on ${address.host}:${address.port}: the port is taken; choose another with --metrics`, ExitCode.failure, { cause: err })
          : new CliError(`Cannot serve metrics on ${address.host}:${address.port}: ${err.message}`, ExitCode.failure, { cause: err }))
      })
      server.listen(address.port, address.host, () => { resolve() })
    })
    this.server = server
    const bound = server.address()
    const port = typeof bound === 'object' && bound != null ? bound.port : address.port
    const host = address.host.includes(':') ? `[${address.host}]` : address.host
    return `http://${host}:${port}${METRICS_PATH}`
  }

  async close (): Promise<void> {
    const server = this.server
    this.server = undefined
    if (server == null) return
    server.closeAllConnections()
    await new Promise<void>(resolve => { server.close(() => { resolve() }) })
  }
}
