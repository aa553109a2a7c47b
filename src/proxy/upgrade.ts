/**
 * Protocol upgrade pass-through (WebSocket and any other `Upgrade`), Skipper's -experimental-upgrade. The
 * request is routed and filtered like any other; the backend is then asked to switch protocols over its own
 * connection (node:http, since undici's pools do not hand sockets over). On 101 the two sockets are piped
 * into each other with back-pressure both ways; any other answer is a normal response.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { FilterResponse } from '../routing/filter-contract.ts';
import type { RequestContext, UpgradeClient } from './context.ts';

export type { UpgradeClient };
import { classifyUpstreamError } from './errors.ts';
import { upstreamRequestHeaders } from './headers.ts';

/** Marks that the connection was handed over: no response is left to write. */
export const UPGRADED: FilterResponse = Object.freeze({ status: 101, headers: Object.freeze({}), body: null }) as FilterResponse;


function statusLine(res: http.IncomingMessage): string {
  let s = `HTTP/1.1 ${res.statusCode} ${res.statusMessage ?? ''}\r\n`;
  const raw = res.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) s += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return `${s}\r\n`;
}

/** Asks `origin` to upgrade; resolves UPGRADED once the sockets are joined, or the backend's normal response. */
export function upgradeBackend(
  ctx: RequestContext, client: UpgradeClient, origin: string, host: string, removeHop: boolean, tlsVerify: boolean, connectTimeoutMs: number,
): Promise<FilterResponse> {
  const u = new URL(origin);
  const req = ctx.request;
  const headers = upstreamRequestHeaders(req.headers, removeHop, host);
  headers['connection'] = 'Upgrade';
  headers['upgrade'] = client.protocol;
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const up = mod.request({
      // URL keeps IPv6 brackets in hostname; node:http wants the bare address.
      host: u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname,
      port: u.port,
      method: req.method,
      path: req.rawQuery === '' ? req.path : `${req.path}?${req.rawQuery}`,
      headers,
      agent: false,
      timeout: connectTimeoutMs,
      rejectUnauthorized: tlsVerify,
    });
    const fail = (e: unknown): void => reject(classifyUpstreamError(e, origin));
    up.once('error', fail);
    up.once('timeout', () => up.destroy(Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' })));
    up.once('response', (res) => {
      up.off('error', fail);
      up.on('error', noop); // later errors surface on the response stream
      resolve({ status: res.statusCode ?? 502, headers: res.headers, body: res });
    });
    up.once('upgrade', (res, upSocket, upHead) => {
      up.off('error', fail);
      up.on('error', noop); // the tunnel's sockets carry their own error handling
      const down = client.socket;
      if (down.destroyed) {
        upSocket.destroy();
        resolve(UPGRADED);
        return;
      }
      upSocket.setTimeout(0);
      down.write(statusLine(res));
      if (upHead.length > 0) down.write(upHead);
      if (client.head.length > 0) upSocket.write(client.head);
      // As Skipper's upgrade proxy: when either direction ends or fails, the tunnel is over. Pending writes
      // are flushed first, then both sockets close, so a peer that never half-closes cannot pin them.
      const closeBoth = (): void => {
        finish(upSocket);
        finish(down);
      };
      for (const s of [upSocket, down]) {
        s.on('error', closeBoth);
        s.on('end', closeBoth);
        s.on('close', closeBoth);
      }
      upSocket.pipe(down);
      down.pipe(upSocket);
      resolve(UPGRADED);
    });
    if (req.body !== null) req.body.pipe(up);
    else up.end();
  });
}

/** Ends a socket and destroys it once its writes are flushed. */
function finish(s: Duplex): void {
  if (s.destroyed) return;
  if (s.writableFinished) {
    s.destroy();
    return;
  }
  s.once('finish', () => s.destroy());
  s.end();
}

function noop(): void {}
