// What the bundles use in place of the Node side of the peer store's lock library (its dist/src/node.js). That
// side lets cluster workers and worker threads ask the main thread for the lock: it loads node:cluster (and with
// it child_process and dgram, about 5 ms of every start) and opens a BroadcastChannel as the module loads. The
// command runs its peer store in the main thread of one process only, so no request can ever come: the library
// is handed an event target that no worker ever writes to, and keeps its locks in this process as it does anyway.
export default function singleProcessLock () {
  return new EventTarget()
}
