import type { Libp2p } from '@libp2p/interface'

/** Everything the first stream opened to `node` on `protocol` carries, once the sender has closed it. */
export async function receiveAll (node: Libp2p, protocol: string): Promise<Buffer> {
  return new Promise(resolve => {
    void node.handle(protocol, async stream => {
      const chunks: Buffer[] = []
      for await (const chunk of stream) chunks.push(Buffer.from(chunk.subarray()))
      resolve(Buffer.concat(chunks))
      await stream.close()
    })
  })
}
