/**
 * `-workers N`: the primary process owns the route sources, /routes and the aggregated /metrics; N workers
 * (node:cluster) share -address and serve traffic. The primary sends every merged route list with its
 * generation number, so all workers build the same generation from the same source state, and a
 * Kubernetes or remote source is polled once per instance, not once per worker.
 */
import cluster, { type Worker } from 'node:cluster';
import type { RouteDef } from '../eskip/index.ts';
import type { Logger } from '../log/app-log.ts';
import type { NamedCertificate } from './tls.ts';

export interface RoutesMessage {
  type: 'skj:routes';
  generation: number;
  defs: RouteDef[];
}

/** Certificates for SNI (Kubernetes TLS), replacing the previous set. */
export interface CertificatesMessage {
  type: 'skj:certs';
  certs: NamedCertificate[];
}

/** Shutdown began: Shutdown() matches from now on (the Kubernetes health-check route answers 503). */
export interface ShuttingDownMessage {
  type: 'skj:shutting-down';
}

interface DrainMessage {
  type: 'skj:drain';
  boundMs: number;
}

/** Primary side: forks, feeds and stops the workers. */
export class WorkerPool {
  readonly #count: number;
  readonly #logger: Logger;
  /** The latest message of each type, replayed to workers that start later. */
  readonly #last = new Map<string, RoutesMessage | CertificatesMessage | ShuttingDownMessage>();
  #stopping = false;
  #lastRespawn = 0;
  readonly #listened = new Set<number>();
  readonly #onFatal: (message: string) => void;

  /** onFatal: a worker died before it ever listened (a port in use, bad TLS files): respawning cannot help. */
  constructor(o: { count: number; logger: Logger; onFatal(message: string): void }) {
    this.#count = o.count;
    this.#logger = o.logger;
    this.#onFatal = o.onFatal;
  }

  /** Forks the workers; each gets the latest route list as soon as it is online. */
  start(): void {
    // Structured clone carries large route lists faster than JSON.
    cluster.setupPrimary({ serialization: 'advanced' });
    // Replayed when the worker says it listens for them, not on 'online': that fires before the worker's
    // ES modules have loaded, and IPC messages arriving before its handler is attached are lost.
    cluster.on('message', (w, msg: { type?: string } | null) => {
      if (msg?.type === 'skj:ready') for (const m of this.#last.values()) w.send(m);
    });
    cluster.on('listening', (w) => this.#listened.add(w.id));
    cluster.on('exit', (w, code, signal) => this.#onExit(w, code, signal));
    for (let i = 0; i < this.#count; i++) cluster.fork();
  }

  broadcast(msg: RoutesMessage | CertificatesMessage | ShuttingDownMessage): void {
    this.#last.set(msg.type, msg);
    for (const w of this.#workers()) w.send(msg);
  }

  /** Tells every worker to drain within boundMs and resolves when all exited. */
  async drain(boundMs: number): Promise<void> {
    this.#stopping = true;
    const workers = this.#workers();
    const exited = Promise.all(workers.map((w) => new Promise<void>((resolve) => {
      if (w.isDead()) return resolve();
      w.once('exit', () => resolve());
    })));
    const msg: DrainMessage = { type: 'skj:drain', boundMs };
    for (const w of workers) w.send(msg);
    // A worker stuck past its own bound is killed, so shutdown always ends.
    const kill = setTimeout(() => {
      for (const w of workers) if (!w.isDead()) w.process.kill('SIGKILL');
    }, boundMs + 5000);
    await exited;
    clearTimeout(kill);
  }

  #workers(): Worker[] {
    return Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected());
  }

  #onExit(w: Worker, code: number | null, signal: string | null): void {
    if (this.#stopping) return;
    if (!this.#listened.has(w.id)) {
      this.#stopping = true;
      this.#onFatal(`worker ${w.process.pid} exited before it could listen (${signal ?? `code ${code}`})`);
      return;
    }
    this.#listened.delete(w.id);
    this.#logger.error(`worker ${w.process.pid} exited unexpectedly (${signal ?? `code ${code}`}); starting a new one`);
    // At most one respawn per second, so a worker that dies at start-up does not spin the CPU.
    const wait = Math.max(0, this.#lastRespawn + 1000 - Date.now());
    this.#lastRespawn = Date.now() + wait;
    setTimeout(() => {
      if (!this.#stopping) cluster.fork();
    }, wait).unref();
  }
}

/** Worker side: route lists and the drain order from the primary. */
export function listenToPrimary(o: {
  onRoutes(msg: RoutesMessage): void;
  onCertificates(certs: NamedCertificate[]): void;
  onShuttingDown(): void;
  onDrain(boundMs: number): void;
}): void {
  process.on('message', (msg: { type?: string }) => {
    if (msg?.type === 'skj:routes') o.onRoutes(msg as RoutesMessage);
    else if (msg?.type === 'skj:certs') o.onCertificates((msg as CertificatesMessage).certs);
    else if (msg?.type === 'skj:shutting-down') o.onShuttingDown();
    else if (msg?.type === 'skj:drain') o.onDrain((msg as DrainMessage).boundMs);
  });
  process.send?.({ type: 'skj:ready' });
  // The primary coordinates shutdown; a terminal's Ctrl-C reaches the whole process group.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  // Without a primary there is nobody to coordinate: stop serving.
  process.on('disconnect', () => o.onDrain(1000));
}
