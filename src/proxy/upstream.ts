/**
 * One backend round trip over undici's keep-alive pools, on undici's dispatch API: the response body is a
 * small Readable fed by the handler (pause/resume map to the connection, so back-pressure reaches the backend
 * socket), without request()'s promise, AsyncResource and body-mixin machinery per request. The request body
 * goes through a BodyLease so that a failed attempt leaves the client's body replayable.
 */
import { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import type { FilterResponse } from '../filters/types.ts';
import type { HeaderBag } from '../routing/types.ts';
import type { Abort } from './abort.ts';
import { BodyLease } from './body-lease.ts';
import type { RequestContext } from './context.ts';
import { backendTimeout, classifyUpstreamError, type ProxyError } from './errors.ts';
import { upstreamRequestHeaders } from './headers.ts';
import { noteRelayed } from './relay-gc.ts';

export interface UpstreamOptions {
  connectTimeoutMs: number;
  responseHeaderTimeoutMs: number;
  tcpKeepAliveMs: number;
  idleTimeoutMs: number;
  removeHopHeaders: boolean;
  tlsVerify: boolean;
}

/** The outcome of one attempt: the response, or the error plus whether the body was already (partly) sent. */
export interface Attempt {
  response: FilterResponse | null;
  error: ProxyError | null;
  bodyStarted: boolean;
}

/** A backend response body. Destroying it before its end aborts the exchange (and frees the connection). */
class ResponseBody extends Readable {
  readonly #c: Dispatcher.DispatchController;
  complete = false;
  constructor(c: Dispatcher.DispatchController) {
    super({ highWaterMark: 64 * 1024 });
    this.#c = c;
  }
  override _read(): void {
    this.#c.resume();
  }
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.complete) this.#c.abort(err ?? new Error('response body discarded'));
    cb(err);
  }
}

function noop(): void {}

/** The backend connection pools of one proxy. */
export class Upstream {
  readonly #agent: Agent;
  readonly #o: UpstreamOptions;

  constructor(o: UpstreamOptions) {
    this.#o = o;
    // A non-positive idle period keeps idle connections (Skipper: "not closing when less than 0").
    const idle = o.idleTimeoutMs > 0 ? o.idleTimeoutMs : 2 ** 31 - 1;
    this.#agent = new Agent({
      connect: { timeout: o.connectTimeoutMs, keepAlive: true, keepAliveInitialDelay: o.tcpKeepAliveMs, rejectUnauthorized: o.tlsVerify },
      keepAliveTimeout: idle,
      keepAliveMaxTimeout: idle,
      headersTimeout: o.responseHeaderTimeoutMs,
      // Skipper has no body idle timeout on backend responses (long polls, streams); backendTimeout covers it.
      bodyTimeout: 0,
      // Backends are spoken to in HTTP/1.1, as Skipper's transport does.
      allowH2: false,
    });
  }

  /**
   * Sends ctx.request to `origin` with `host` as Host header. `abort` stops it (client gone); `deadlineMs`
   * > 0 bounds the whole exchange including the response body (backendTimeout filter).
   */
  send(ctx: RequestContext, origin: string, host: string, abort: Abort, deadlineMs: number): Promise<Attempt> {
    const req = ctx.request;
    const lease = req.body === null ? null : new BodyLease(req.body);
    return new Promise<Attempt>((resolve) => {
      let body: ResponseBody | null = null;
      let controller: Dispatcher.DispatchController | null = null;
      let reason: Error | null = null;
      let timer: NodeJS.Timeout | null = null;
      const stop = (r: Error): void => {
        reason ??= r;
        if (controller !== null) controller.abort(r);
      };
      const finish = (): void => {
        abort.bind(null);
        if (timer !== null) clearTimeout(timer);
      };
      if (deadlineMs > 0) timer = setTimeout(() => stop(backendTimeout(origin, deadlineMs)), deadlineMs);
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(c) {
          controller = c;
          if (reason !== null) c.abort(reason);
        },
        onResponseStart(c, status, headers) {
          if (status < 200) return; // 1xx informational: the final response follows
          body = new ResponseBody(c);
          // A filter may drop or destroy the body (inlineContent, compress…): its error must not go unheard.
          body.on('error', noop);
          if (timer === null) abort.bind(null); // from here, destroying the body is what stops the exchange
          resolve({ response: { status, headers: headers as HeaderBag, body }, error: null, bodyStarted: lease?.started ?? false });
        },
        onResponseData(c, chunk) {
          noteRelayed(chunk.length);
          if (body !== null && !body.push(chunk)) c.pause();
        },
        onResponseEnd() {
          finish();
          if (body !== null) {
            body.complete = true;
            body.push(null);
          } else {
            const e = Object.assign(new Error('response ended before its headers'), { code: 'UND_ERR_SOCKET' });
            resolve({ response: null, error: classifyUpstreamError(e, origin), bodyStarted: lease?.started ?? false });
          }
        },
        onResponseError(_c, err) {
          finish();
          const e = reason ?? (abort.isAborted ? abort.reason! : err);
          if (body !== null) body.destroy(e);
          else resolve({ response: null, error: classifyUpstreamError(e, origin), bodyStarted: lease?.started ?? false });
        },
      };
      abort.bind(stop);
      this.#agent.dispatch({
        origin,
        path: req.rawQuery === '' ? req.path : `${req.path}?${req.rawQuery}`,
        method: req.method as Dispatcher.HttpMethod,
        headers: upstreamRequestHeaders(req.headers, this.#o.removeHopHeaders, host),
        body: lease,
      }, handler);
    });
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}
