/**
 * Caps idle backend connections, as Go's Transport does with MaxIdleConnsPerHost and MaxIdleConns (Skipper's
 * -idle-conns-num and -max-idle-connection-backend). undici keeps every connection a burst opened until its
 * keep-alive timeout; Go closes a connection when it would go idle beyond the cap. Here each undici Client
 * (one connection, no pipelining) reports when it goes idle, and when an origin or the whole proxy holds more
 * idle connections than allowed, the longest-idle one is closed. The Client stays in its pool and connects
 * again when the pool hands it a request, so the cap never limits concurrency, only what stays open.
 *
 * Per request this costs a flag check on dispatch and a counter update on drain: no Map or Set entry comes
 * and goes per request (see ConnList in src/server/http-server.ts for why that matters).
 */
import type { Socket } from 'node:net';
import { Client, Pool, type Dispatcher } from 'undici';
import { tolerateInterim100 } from './informational.ts';

/** Skipper's default for -idle-conns-num (proxy.DefaultIdleConnsPerHost), also used for values ≤ 0. */
export const DEFAULT_IDLE_CONNS_PER_HOST = 64;

export interface IdleCaps {
  /** Idle connections kept per backend origin; ≤ 0 means DEFAULT_IDLE_CONNS_PER_HOST. */
  perHost: number;
  /** Idle connections kept across all backends; ≤ 0 means no limit. */
  total: number;
}

type ConnectFn = (opts: object, cb: (err: Error | null, socket: Socket | null | undefined) => void) => void;

/** The clients of one origin. */
interface Origin {
  readonly clients: TrackedClient[];
  idle: number;
}

class TrackedClient extends Client {
  socket: Socket | null = null;
  idle = false;
  idleSince = 0;
  readonly #origin: Origin;
  readonly #tracker: IdleConnections;

  constructor(url: URL, opts: Client.Options & { connect: ConnectFn }, origin: Origin, tracker: IdleConnections) {
    const connect = opts.connect;
    super(url, {
      ...opts,
      connect: (o: object, cb: (err: Error | null, socket: Socket | null | undefined) => void) => connect(o, (err, socket) => {
        if (socket) {
          // undefined, not null, when connecting failed
          this.#adopt(socket);
          tolerateInterim100(socket);
        }
        cb(err, socket);
      }),
    } as Client.Options);
    this.#origin = origin;
    this.#tracker = tracker;
    this.on('drain', () => {
      if (this.idle || this.socket === null) return;
      const s = this.stats;
      if (s.running === 0 && s.pending === 0) this.#tracker.wentIdle(this, this.#origin);
    });
  }

  #adopt(socket: Socket): void {
    this.socket = socket;
    socket.once('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.idle) this.#tracker.leftIdle(this, this.#origin);
    });
  }

  /** Closes this idle connection now; the client connects again on its next request. */
  closeIdle(): void {
    const s = this.socket;
    if (!this.idle || s === null) return;
    this.socket = null;
    this.#tracker.leftIdle(this, this.#origin);
    s.destroy();
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.idle) this.#tracker.leftIdle(this, this.#origin);
    return super.dispatch(opts, handler);
  }
}

/** The idle-connection bookkeeping of one proxy; `factory` goes to undici's Agent. */
export class IdleConnections {
  readonly #perHost: number;
  readonly #total: number;
  readonly #origins = new Map<string, Origin>();
  #idle = 0;

  constructor(caps: IdleCaps) {
    this.#perHost = caps.perHost > 0 ? caps.perHost : DEFAULT_IDLE_CONNS_PER_HOST;
    this.#total = caps.total > 0 ? caps.total : Infinity;
  }

  /** Clients tracked across all origins (closed ones are let go when the next pool is made). */
  get tracked(): number {
    let n = 0;
    for (const o of this.#origins.values()) n += o.clients.length;
    return n;
  }

  /** undici Agent `factory`: one Pool per origin whose clients report idleness. */
  readonly factory = (origin: string | URL, opts: object): Dispatcher => {
    this.#forgetClosed();
    const key = typeof origin === 'string' ? origin : origin.origin;
    let o = this.#origins.get(key);
    if (o === undefined) this.#origins.set(key, (o = { clients: [], idle: 0 }));
    const group = o;
    return new Pool(origin, {
      ...opts,
      factory: (url: string | URL, copts: object) => {
        const c = new TrackedClient(new URL(url), copts as Client.Options & { connect: ConnectFn }, group, this);
        group.clients.push(c);
        return c;
      },
    } as Pool.Options);
  };

  wentIdle(c: TrackedClient, o: Origin): void {
    c.idle = true;
    c.idleSince = performance.now();
    o.idle++;
    this.#idle++;
    if (o.idle > this.#perHost) this.#closeOldest(o.clients);
    if (this.#idle > this.#total) this.#closeOldest(null);
  }

  leftIdle(c: TrackedClient, o: Origin): void {
    c.idle = false;
    o.idle--;
    this.#idle--;
  }

  /**
   * The Agent closes an origin's pool once none of its connections is open and makes a new one on the next
   * request, so closed clients are dropped here, when a pool is made (rarely: not per request), and origins
   * whose clients are all closed are forgotten (`<dynamic>` backends come and go).
   */
  #forgetClosed(): void {
    for (const [key, o] of this.#origins) {
      if (o.clients.length === 0) continue; // a pool made just now, before its first client
      const live = o.clients.filter((c) => !c.closed && !c.destroyed);
      if (live.length === 0) this.#origins.delete(key);
      else if (live.length !== o.clients.length) o.clients.splice(0, o.clients.length, ...live);
    }
  }

  /** Closes the connection idle the longest, of `clients` or of every origin. */
  #closeOldest(clients: readonly TrackedClient[] | null): void {
    let oldest: TrackedClient | null = null;
    const consider = (cs: readonly TrackedClient[]): void => {
      for (const c of cs) if (c.idle && (oldest === null || c.idleSince < oldest.idleSince)) oldest = c;
    };
    if (clients !== null) consider(clients);
    else for (const o of this.#origins.values()) consider(o.clients);
    (oldest as TrackedClient | null)?.closeIdle();
  }
}
