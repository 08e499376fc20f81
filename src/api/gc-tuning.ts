import v8 from 'node:v8'

/**
 * Turns off V8's allocation-site pretenuring in the API process (it must run before the server
 * accepts connections).
 *
 * Why: Node's EventEmitter stores an event's second listener as a two-element array made at one
 * array literal in events.js, shared by every emitter. When many long-lived connections open at
 * once (1,000 SSE streams, or idle keep-alive sockets), each adds such arrays to its socket and they
 * all survive, so V8 decides that literal's objects live long and allocates them in old space from
 * then on. Fastify with a logger adds a second 'finish' listener to every response (Node has the
 * first), so every request then leaves a dead old-space array pointing at its young
 * ServerResponse/IncomingMessage/Reply/Request; until the next mark-compact, scavenges keep all of
 * them alive and promote them: ~2 KB per request instead of ~30 bytes, scavenges 3-4x longer, and
 * mark-compacts every few seconds. Without pretenuring those arrays are young and die young. The
 * API allocates nothing that depends on pretenuring for speed.
 */
export function disablePretenuring (): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring')
}
