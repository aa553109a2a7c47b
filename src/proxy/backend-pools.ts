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
import type { Abort, Stoppable } from './abort.ts';
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

/**
 * One exchange with a backend: undici's dispatch handler and the attempt's state in one object, built once
 * per attempt with every field set, where a handler literal over closures cost six closures and a context
 * per request. The client's Abort calls its `stop`.
 */
class Exchange implements Dispatcher.DispatchHandler, Stoppable {
  readonly #origin: string;
  readonly #abort: Abort;
  readonly #lease: BodyLease | null;
  #resolve: ((a: Attempt) => void) | null = null;
  #body: ResponseBody | null = null;
  #controller: Dispatcher.DispatchController | null = null;
  #reason: Error | null = null;
  #timer: NodeJS.Timeout | null = null;
  constructor(origin: string, abort: Abort, lease: BodyLease | null) {
    this.#origin = origin;
    this.#abort = abort;
    this.#lease = lease;
  }

  /** The executor of the attempt's promise: keeps its resolve. */
  start(resolve: (a: Attempt) => void, deadlineMs: number): void {
    this.#resolve = resolve;
    if (deadlineMs > 0) this.#timer = setTimeout(() => this.stop(backendTimeout(this.#origin, deadlineMs)), deadlineMs);
  }

  /** Stops the exchange (the client went away, or its deadline passed). */
  stop(r: Error): void {
    this.#reason ??= r;
    if (this.#controller !== null) this.#controller.abort(r);
  }

  #finish(): void {
    this.#abort.bind(null);
    if (this.#timer !== null) clearTimeout(this.#timer);
  }

  #failed(e: Error): void {
    this.#resolve!({ response: null, error: classifyUpstreamError(e, this.#origin), bodyStarted: this.#lease?.started ?? false });
  }

  onRequestStart(c: Dispatcher.DispatchController): void {
    this.#controller = c;
    if (this.#reason !== null) c.abort(this.#reason);
  }

  onResponseStart(c: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    if (status < 200) return; // 1xx informational: the final response follows
    const body = new ResponseBody(c);
    this.#body = body;
    // A filter may drop or destroy the body (inlineContent, compress…): its error must not go unheard.
    body.on('error', noop);
    if (this.#timer === null) this.#abort.bind(null); // from here, destroying the body is what stops the exchange
    this.#resolve!({ response: { status, headers: headers as HeaderBag, body }, error: null, bodyStarted: this.#lease?.started ?? false });
  }

  onResponseData(c: Dispatcher.DispatchController, chunk: Buffer): void {
    noteRelayed(chunk.length);
    const body = this.#body;
    if (body !== null && !body.backendData(chunk)) c.pause();
  }

  onResponseEnd(): void {
    this.#finish();
    if (this.#body !== null) this.#body.backendEnded();
    else this.#failed(Object.assign(new Error('response ended before its headers'), { code: 'UND_ERR_SOCKET' }));
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.#finish();
    const abort = this.#abort;
    const e = this.#reason ?? (abort.isAborted ? abort.reason! : err);
    if (this.#body !== null) this.#body.destroy(e);
    else this.#failed(e);
  }
}

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
    const req = ctx.request;
    const lease = req.body === null ? null : new BodyLease(req.body);
    const x = new Exchange(origin, abort, lease);
    const p = new Promise<Attempt>((resolve) => x.start(resolve, deadlineMs));
    abort.bind(x);
    this.#agent.dispatch({
      origin,
      path: req.rawQuery === '' ? req.path : `${req.path}?${req.rawQuery}`,
      method: req.method as Dispatcher.HttpMethod,
      headers: upstreamRequestHeaders(req.headers, this.#o.removeHopHeaders, host),
      body: lease,
      // Only set when the listener's write deadline is nearer than the configured wait (see headersTimeout).
      headersTimeout: ctx.replyBy === 0 ? undefined : headersTimeout(this.#o.responseHeaderTimeoutMs, ctx.replyBy),
    }, x);
    return p;
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}
