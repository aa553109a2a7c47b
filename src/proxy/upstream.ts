/**
 * One backend round trip over undici's keep-alive pools. Streams the request body through a BodyLease (so a
 * failed attempt leaves the client's body replayable) and returns the response with its body still
 * streaming; undici's Readable applies back-pressure all the way to the backend socket.
 */
import { Agent } from 'undici';
import type { FilterResponse } from '../filters/types.ts';
import { BodyLease } from './body-lease.ts';
import type { Abort } from './abort.ts';
import type { RequestContext } from './context.ts';
import { backendTimeout, classifyUpstreamError, ProxyError } from './errors.ts';
import { upstreamRequestHeaders } from './headers.ts';

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
   * Sends ctx.request to `origin` with `host` as Host header. `signal` aborts it (client gone);
   * `deadlineMs` > 0 bounds the whole exchange including the response body (backendTimeout filter).
   */
  async send(ctx: RequestContext, origin: string, host: string, signal: Abort, deadlineMs: number): Promise<Attempt> {
    const req = ctx.request;
    const lease = req.body === null ? null : new BodyLease(req.body);
    let timer: NodeJS.Timeout | null = null;
    let sig = signal;
    if (deadlineMs > 0) {
      const deadline = signal.child();
      timer = setTimeout(() => deadline.abort(backendTimeout(origin, deadlineMs)), deadlineMs);
      sig = deadline;
    }
    try {
      const r = await this.#agent.request({
        origin,
        path: req.rawQuery === '' ? req.path : `${req.path}?${req.rawQuery}`,
        method: req.method,
        headers: upstreamRequestHeaders(req.headers, this.#o.removeHopHeaders, host),
        body: lease,
        signal: sig,
      });
      // A filter may drop or destroy the body (inlineContent, compress…); undici then emits an abort error
      // that nobody else listens to, and an unheard 'error' would take the process down.
      r.body.on('error', noop);
      if (timer !== null) {
        const t = timer;
        r.body.once('close', () => clearTimeout(t));
      }
      return { response: { status: r.statusCode, headers: r.headers, body: r.body }, error: null, bodyStarted: lease?.started ?? false };
    } catch (e) {
      if (timer !== null) clearTimeout(timer);
      const reason = sig.isAborted ? sig.reason : e;
      return { response: null, error: classifyUpstreamError(reason, origin), bodyStarted: lease?.started ?? false };
    }
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

function noop(): void {}
