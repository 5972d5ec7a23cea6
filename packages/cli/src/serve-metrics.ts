import { MetricsEndpoint, parseMetricsAddress, type MetricsAddress } from './metrics-endpoint.js'
import type { Output } from './output.js'

export const METRICS_HELP = `  --metrics ADDR       serve Prometheus metrics (Bitswap's, as boxo names them, and libp2p's) over HTTP at
                       http://ADDR/metrics, e.g. --metrics 127.0.0.1:9090 (off by default)`

/** `serve --metrics ADDR`: an endpoint for the node's metrics, checked before any work; undefined without it. */
export function startMetrics (text: string | undefined, output: Output): {
  metrics: MetricsEndpoint['metrics']
  listen: () => Promise<void>
  close: () => Promise<void>
} | undefined {
  if (text == null) return undefined
  const address: MetricsAddress = parseMetricsAddress(text)
  const endpoint = new MetricsEndpoint()
  return {
    metrics: endpoint.metrics,
    listen: async () => {
      const url = await endpoint.listen(address)
      output.event('metrics', { url }, `metrics at ${url}`)
    },
    close: async () => { await endpoint.close() }
  }
}
