/**
 * RFC 9110 §15.2: "A client MUST be able to parse one or more 1xx responses received prior to a final
 * response, even if the client does not expect one." undici's HTTP/1 parser (8.x) passes over 102 and 103
 * but destroys the connection on a `100 Continue` the request did not ask for ("bad response"), which made
 * the proxy answer 502 where nginx and Go's transport relay the final response. Backends do send them
 * (servers that answer 100 to every upload, intermediaries that added `Expect`).
 *
 * This is the one place that reaches into undici: the parser class is not exported, so its prototype is
 * taken from the first connection's parser and its header callback taught to treat a 100 like the other
 * interim responses (as a 102: no body, the final response follows; the proxy ignores every 1xx). Test:
 * test/proxy/informational.test.ts, which fails should an undici upgrade change the parser.
 */
import type { Socket } from 'node:net';

type HeadersComplete = (this: unknown, statusCode: number, upgrade: boolean, shouldKeepAlive: boolean) => number;

const patched = new WeakSet<object>();
/** Set once a parser was taught: every later connection uses the same class (undici's Milo parser is off). */
let done = false;

/** undici's per-socket parser slot (lib/core/symbols.js, `kParser`), found by its description. */
function parserOf(socket: Socket): Record<string, unknown> | undefined {
  for (const s of Object.getOwnPropertySymbols(socket)) {
    if (s.description === 'parser') return (socket as unknown as Record<symbol, Record<string, unknown> | undefined>)[s];
  }
  return undefined;
}

/**
 * Called with each new backend socket; undici attaches its parser right after the connect callback, before
 * any response byte can be read, so the check runs on the next tick. Nothing after the first connection.
 */
export function tolerateInterim100(socket: Socket): void {
  if (done) return;
  process.nextTick(() => {
    const parser = parserOf(socket);
    if (parser === undefined || parser === null) return;
    const proto = Object.getPrototypeOf(parser) as { onHeadersComplete?: HeadersComplete } | null;
    if (proto === null || patched.has(proto) || typeof proto.onHeadersComplete !== 'function') return;
    patched.add(proto);
    done = true;
    const original = proto.onHeadersComplete;
    proto.onHeadersComplete = function (statusCode, upgrade, shouldKeepAlive) {
      return original.call(this, statusCode === 100 ? 102 : statusCode, upgrade, shouldKeepAlive);
    };
  });
}
