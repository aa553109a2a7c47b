/**
 * One backend round trip over undici's keep-alive pools, on undici's dispatch API: the response body is a
 * small Readable fed by the handler (pause/resume map to the connection, so back-pressure reaches the backend
 * socket), without request()'s promise, AsyncResource and body-mixin machinery per request. The request body
 * goes through a BodyLease so that a failed attempt leaves the client's body replayable.
 */
import { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import type { FilterResponse } from '../routing/filter-contract.ts';
import type { HeaderBag } from '../routing/types.ts';
import type { Abort } from './abort.ts';
import { BodyLease } from './body-lease.ts';
import type { RequestContext } from './context.ts';
import { backendTimeout, classifyUpstreamError, type ProxyError } from './errors.ts';
import { upstreamRequestHeaders } from './headers.ts';
import { IdleConnections, type IdleCaps } from './idle-connections.ts';
import { noteRelayed } from './relay-gc.ts';
import { headersTimeout } from './timeouts.ts';
import type { WholeBody } from './respond.ts';

/** Buffered bytes of a response body before the backend connection is paused. */
const HWM = 64 * 1024;

export interface BackendPoolsOptions {
  connectTimeoutMs: number;
  responseHeaderTimeoutMs: number;
  tcpKeepAliveMs: number;
  idleTimeoutMs: number;
  removeHopHeaders: boolean;
  tlsVerify: boolean;
  /** Idle connections kept per backend origin and in total (Skipper's -idle-conns-num, -max-idle-connection-backend). */
  idleCaps: IdleCaps;
}

/** The outcome of one attempt: the response, or the error plus whether the body was already (partly) sent. */
export interface Attempt {
  response: FilterResponse | null;
  error: ProxyError | null;
  bodyStarted: boolean;
}

/**
 * A backend response body. Destroying it before its end aborts the exchange (and frees the connection).
 * Chunks that arrive before anyone reads are held outside the stream machinery: a small response usually
 * arrives whole in the same socket read as its headers, and takeWhole() then hands it to the writer as one
 * buffer, without pipe()'s listeners, ticks and events (measured in docs/performance-proxy.md).
 */
class ResponseBody extends Readable implements WholeBody {
  readonly #c: Dispatcher.DispatchController;
  /** Chunks received before the first read; null once the stream took over (or takeWhole() took them). */
  #held: Buffer[] | null = [];
  #heldBytes = 0;
  /** The backend finished the body (its end may still be held). */
  complete = false;
  constructor(c: Dispatcher.DispatchController) {
    super({ highWaterMark: HWM });
    this.#c = c;
  }

  /** A chunk from the backend; false asks for back-pressure. */
  backendData(chunk: Buffer): boolean {
    if (this.#held === null) return this.push(chunk);
    this.#held.push(chunk);
    this.#heldBytes += chunk.length;
    return this.#heldBytes < HWM;
  }

  /** The backend's end of the body. */
  backendEnded(): void {
    this.complete = true;
    if (this.#held === null) this.push(null);
  }

  takeWhole(): Buffer | null {
    const held = this.#held;
    if (held === null || !this.complete || this.destroyed) return null;
    this.#held = null;
    return held.length === 1 ? held[0]! : Buffer.concat(held, this.#heldBytes);
  }

  override _read(): void {
    const held = this.#held;
    if (held !== null) {
      this.#held = null;
      for (const c of held) this.push(c);
      if (this.complete) {
        this.push(null);
        return;
      }
    }
    this.#c.resume();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#held = null;
    if (!this.complete) this.#c.abort(err ?? new Error('response body discarded'));
    cb(err);
  }
}

function noop(): void {}

/** The backend connection pools of one proxy. */
export class BackendPools {
  readonly #agent: Agent;
  readonly #o: BackendPoolsOptions;

  constructor(o: BackendPoolsOptions) {
    this.#o = o;
    // A non-positive idle period keeps idle connections (Skipper: "not closing when less than 0").
    const idle = o.idleTimeoutMs > 0 ? o.idleTimeoutMs : 2 ** 31 - 1;
    this.#agent = new Agent({
      factory: new IdleConnections(o.idleCaps).factory,
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
    const rht = this.#o.responseHeaderTimeoutMs;
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
          if (body !== null && !body.backendData(chunk)) c.pause();
        },
        onResponseEnd() {
          finish();
          if (body !== null) {
            body.backendEnded();
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
        // Only set when the listener's write deadline is nearer than the configured wait (see headersTimeout).
        headersTimeout: ctx.replyBy === 0 ? undefined : headersTimeout(rht, ctx.replyBy),
      }, handler);
    });
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}
