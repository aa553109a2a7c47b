/**
 * `-workers N`: the primary process owns the route sources, /routes and the aggregated /metrics; N workers
 * (node:cluster) share -address and serve traffic. The primary sends each generation's definitions with its
 * number, so all workers build the same generation from the same source state, and a Kubernetes or remote
 * source is polled once per instance, not once per worker.
 *
 * A generation travels as a delta against the previous one (route-delta.ts); the whole list only to a worker
 * that starts, or asks again (`skj:resync`) because the delta's base is not the generation it holds. Either
 * is cut into parts of at most PART_DEFS definitions, sent one after another: one structured-clone message of
 * a million definitions is a buffer of hundreds of MB on both sides, and Node's IPC reader gathers a large
 * message by concatenating every piece it receives (quadratic), which kept workers from serving for minutes.
 * Parts carry the definitions as objects (as JSON text they were slower still: bench/workers-ipc.bench.ts), with
 * each call and endpoint list once per transfer (route-wire.ts), so a worker's definitions share them as the
 * primary's do. A transfer's parts are made as the channel takes them, not all at once.
 */
import cluster, { type Worker } from 'node:cluster';
import type { RouteDef } from '../eskip/index.ts';
import type { Logger } from '../log/app-log.ts';
import { applyDelta, diffDefs, type Delta, type Hunk } from './route-delta.ts';
import { WireDecoder, WireEncoder, type WirePart } from './route-wire.ts';
import type { RouteListChange } from '../dataclients/types.ts';
import type { InvalidRoute } from '../routing/types.ts';
import type { NamedCertificate } from './tls.ts';
import { withStartFlags } from '../lifecycle/index.ts';

/** Definitions per IPC message: a few MB serialized. */
export const PART_DEFS = 5000;

/**
 * One part of a generation. The first part carries the hunks (and `base`); the parts' `defs`, decoded and
 * concatenated, are the inserted definitions; `done` marks the last part.
 */
export interface RoutesMessage extends WirePart {
  type: 'skj:routes';
  generation: number;
  /** The generation the hunks apply to; -1: a full list (one hunk inserting everything). */
  base: number;
  hunks?: Hunk[];
  done: boolean;
}

/** Worker → primary: send the whole list of the current generation. */
interface ResyncMessage {
  type: 'skj:resync';
  /** The generation the worker holds (-1: none). */
  holds: number;
}

/**
 * Worker → primary: what compiling a generation gave. The primary does not compile (it only lists routes and
 * hands them on): /routes, the route metrics and the route log take the invalid routes from these reports.
 */
export interface BuiltMessage {
  type: 'skj:built';
  generation: number;
  invalid: InvalidRoute[];
  /** Compile time. */
  seconds: number;
}

/** A generation's definitions as the primary sent them, with a worker's report of compiling them. */
export interface BuiltGeneration {
  readonly generation: number;
  readonly defs: readonly RouteDef[];
  readonly invalid: readonly InvalidRoute[];
  readonly seconds: number;
}

/** One generation's transfer to one worker: its parts, each made when the channel is ready for it. */
export class RouteTransfer {
  readonly #generation: number;
  readonly #base: number;
  readonly #d: Delta;
  readonly #size: number;
  readonly #encoder = new WireEncoder();
  #i = 0;
  #done = false;

  constructor(generation: number, base: number, d: Delta, size = PART_DEFS) {
    this.#generation = generation;
    this.#base = base;
    this.#d = d;
    this.#size = size;
  }

  /** The next part; null after the last. */
  next(): RoutesMessage | null {
    if (this.#done) return null;
    const i = this.#i;
    const end = Math.min(i + this.#size, this.#d.inserted.length);
    const part = this.#encoder.part(this.#d.inserted.slice(i, end));
    this.#i = end;
    this.#done = end >= this.#d.inserted.length;
    return { type: 'skj:routes', generation: this.#generation, base: this.#base, ...(i === 0 ? { hunks: this.#d.hunks } : {}), ...part, done: this.#done };
  }
}

/** All parts of one generation's transfer at once (tests, benchmarks). */
export function routeParts(generation: number, base: number, d: Delta, size = PART_DEFS): RoutesMessage[] {
  const t = new RouteTransfer(generation, base, d, size);
  const parts: RoutesMessage[] = [];
  for (let m = t.next(); m !== null; m = t.next()) parts.push(m);
  return parts;
}

/**
 * The delta from `prev`, the list sent last, to `next`: the source's own `change` when it starts from `prev`
 * (nothing compared: 41,000 routes cost a scan of both lists for the common ends, a few ms on a busy machine),
 * else {@link diffDefs}.
 */
export function generationDelta(prev: readonly RouteDef[], next: readonly RouteDef[], change?: RouteListChange): Delta {
  if (change !== undefined && change.from === prev) return { hunks: change.hunks as Hunk[], inserted: change.inserted as RouteDef[] };
  return diffDefs(prev, next);
}

function fullDelta(defs: readonly RouteDef[]): Delta {
  return { hunks: [{ at: 0, remove: 0, insert: defs.length }], inserted: defs as RouteDef[] };
}

/**
 * Messages to one worker, one at a time: the next is handed to the channel once the previous was written,
 * so a large transfer is never serialized all at once, and messages keep their order.
 */
class Outbox {
  readonly #w: Worker;
  readonly #queue: (object | RouteTransfer)[] = [];
  #busy = false;
  /** The generation of the last routes queued to this worker; -1 before any. */
  generation = -1;

  constructor(w: Worker) {
    this.#w = w;
  }

  push(msgs: readonly (object | RouteTransfer)[]): void {
    for (const m of msgs) this.#queue.push(m);
    this.#pump();
  }

  /** The next message: the head of the queue, or the next part of the transfer at its head. */
  #next(): object | undefined {
    for (;;) {
      const head = this.#queue[0];
      if (!(head instanceof RouteTransfer)) return this.#queue.shift();
      const part = head.next();
      if (part !== null) return part;
      this.#queue.shift();
    }
  }

  #pump(): void {
    if (this.#busy) return;
    const m = this.#next();
    if (m === undefined || !this.#w.isConnected()) {
      this.#queue.length = 0;
      return;
    }
    this.#busy = true;
    this.#w.send(m, undefined, undefined, () => {
      this.#busy = false;
      this.#pump();
    });
  }
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

/** The environment variable that tells a worker its slot (see WorkerPool's #fork). */
export const WORKER_SLOT_ENV = 'SKJ_WORKER_SLOT';

/** True in the worker of slot 0, which speaks for the instance where every worker would say the same. */
export function speaksForInstance(): boolean {
  return process.env[WORKER_SLOT_ENV] === '0';
}

/** Primary side: forks, feeds and stops the workers. */
export class WorkerPool {
  readonly #count: number;
  readonly #logger: Logger;
  /** The latest message of each type, replayed to workers that start later. */
  readonly #last = new Map<string, CertificatesMessage | ShuttingDownMessage>();
  readonly #outboxes = new Map<number, Outbox>();
  /** Workers that said they listen for messages: routes go only to them. */
  readonly #ready = new Set<number>();
  /**
   * The latest generation's definitions and number; null before the first. `list`: the array the pipeline
   * handed over, which a source's next change names as its `from` (`defs` may be a copy of it).
   */
  #routes: { generation: number; defs: readonly RouteDef[]; list: readonly RouteDef[] } | null = null;
  #stopping = false;
  #lastRespawn = 0;
  readonly #listened = new Set<number>();
  /** Each worker's slot (0 … count−1); a respawned worker takes the slot of the one it replaces. */
  readonly #slots = new Map<number, number>();
  readonly #onFatal: (message: string) => void;
  readonly #onBuilt: ((b: BuiltGeneration) => void) | null;
  /** The last generation passed to onBuilt. */
  #reported = -1;
  /** Whether route lists go to the workers yet (open()). */
  #open = false;

  /**
   * onFatal: a worker died before it ever listened (a port in use, bad TLS files): respawning cannot help.
   * onBuilt: the first report of the latest generation sent (reports of older ones are dropped: a newer
   * report follows).
   */
  constructor(o: { count: number; logger: Logger; onFatal(message: string): void; onBuilt?(b: BuiltGeneration): void }) {
    this.#count = o.count;
    this.#logger = o.logger;
    this.#onFatal = o.onFatal;
    this.#onBuilt = o.onBuilt ?? null;
  }

  /**
   * Forks the workers; once open() was called, each gets the latest route list as soon as it is online. Fork
   * them before the primary holds much: a fork write-protects every page the primary has, and each first
   * write after it faults (≈ 13 µs a page on the bench machine: refilling the routes file's 260 MB buffer
   * took 0.9 s instead of 50 ms, the slowest change after a million-route start with -workers 2).
   */
  start(): void {
    // Structured clone carries large route lists faster than JSON.
    // Workers build the route tables: they get the start flags (young generation size) even when the primary
    // was started without them.
    cluster.setupPrimary({ serialization: 'advanced', execArgv: withStartFlags(process.execArgv) });
    // Replayed when the worker says it listens for them, not on 'online': that fires before the worker's
    // ES modules have loaded, and IPC messages arriving before its handler is attached are lost.
    cluster.on('message', (w, msg: { type?: string } | null) => {
      if (msg?.type === 'skj:ready') {
        this.#ready.add(w.id);
        if (this.#open) this.#sendFull(w);
        this.#outbox(w).push([...this.#last.values()]);
      } else if (msg?.type === 'skj:built') {
        this.#built(msg as BuiltMessage);
      } else if (msg?.type === 'skj:resync') {
        this.#logger.warn(`worker ${w.process.pid} holds route generation ${(msg as ResyncMessage).holds}, not the base of the last delta; sending the whole list`);
        this.#sendFull(w);
      }
    });
    cluster.on('listening', (w) => this.#listened.add(w.id));
    cluster.on('exit', (w, code, signal) => this.#onExit(w, code, signal));
    for (let i = 0; i < this.#count; i++) this.#fork(i);
  }

  /** Slot 0 gives the warnings of route building for the instance (src/roles/worker.ts); the others build quietly. */
  #fork(slot: number): void {
    const w = cluster.fork({ [WORKER_SLOT_ENV]: String(slot) });
    this.#slots.set(w.id, slot);
  }

  /**
   * Starts handing route lists to the workers: the latest one now, every later one as it comes. Until then
   * they are kept, not sent, so the primary can finish its start-up (its heap settle) before any worker builds.
   */
  open(): void {
    this.#open = true;
    for (const w of this.#workers()) if (this.#ready.has(w.id)) this.#sendFull(w);
  }

  broadcast(msg: CertificatesMessage | ShuttingDownMessage): void {
    this.#last.set(msg.type, msg);
    for (const w of this.#workers()) this.#outbox(w).push([msg]);
  }

  /**
   * Hands generation `generation` to every worker: the delta against the previous generation to those that
   * were sent it, the whole list to the others (those not ready yet get it when they are). `change`: how `list`
   * differs from its source's previous list (RouteSourceUpdate.change), which is then the delta.
   */
  sendRoutes(generation: number, list: readonly RouteDef[], change?: RouteListChange): void {
    const prev = this.#routes;
    // Kept as the next delta's base: a copy (a few ms for a million), in case a source reuses its array — unless
    // the source gave a change, which promises it does not (and whose `from` is then this very array).
    const defs = change !== undefined ? list : list.slice();
    this.#routes = { generation, defs, list };
    if (!this.#open) return;
    let delta: Delta | null = null;
    for (const w of this.#workers()) {
      if (!this.#ready.has(w.id)) continue;
      const box = this.#outbox(w);
      if (prev !== null && box.generation === prev.generation) {
        if (delta === null) {
          // A change from the list sent last describes `defs` against it, copied or not: the source never changes
          // a list it delivered with or before a change.
          const known = change !== undefined && change.from === prev.list;
          delta = generationDelta(prev.defs, defs, known ? { ...change, from: prev.defs } : undefined);
          const how = known ? 'the source\'s change' : 'compared';
          this.#logger.debug(`route generation ${generation} to the workers (${how}): ${delta.inserted.length} definitions sent, ${delta.hunks.reduce((n, h) => n + h.remove, 0)} replaced or removed, ${defs.length} in all`);
        }
        box.push([new RouteTransfer(generation, prev.generation, delta)]);
        box.generation = generation;
      } else this.#sendFull(w);
    }
  }

  #built(m: BuiltMessage): void {
    const r = this.#routes;
    if (r === null || m.generation !== r.generation || m.generation <= this.#reported) return;
    this.#reported = m.generation;
    this.#onBuilt?.({ generation: m.generation, defs: r.defs, invalid: m.invalid, seconds: m.seconds });
  }

  #sendFull(w: Worker): void {
    const r = this.#routes;
    if (r === null) return;
    const box = this.#outbox(w);
    this.#logger.debug(`route generation ${r.generation} to worker ${w.process.pid}: the whole list of ${r.defs.length} definitions`);
    box.push([new RouteTransfer(r.generation, -1, fullDelta(r.defs))]);
    box.generation = r.generation;
  }

  #outbox(w: Worker): Outbox {
    let box = this.#outboxes.get(w.id);
    if (box === undefined) this.#outboxes.set(w.id, (box = new Outbox(w)));
    return box;
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
    this.#outboxes.delete(w.id);
    const slot = this.#slots.get(w.id) ?? 0;
    this.#slots.delete(w.id);
    this.#ready.delete(w.id);
    this.#logger.error(`worker ${w.process.pid} exited unexpectedly (${signal ?? `code ${code}`}); starting a new one`);
    // At most one respawn per second, so a worker that dies at start-up does not spin the CPU.
    const wait = Math.max(0, this.#lastRespawn + 1000 - Date.now());
    this.#lastRespawn = Date.now() + wait;
    setTimeout(() => {
      if (!this.#stopping) this.#fork(slot);
    }, wait).unref();
  }
}

/**
 * Worker side: gathers the parts of each generation and applies its delta to the list it holds; a delta on
 * another base than that list's generation is dropped and the whole list asked for (once, until it comes).
 */
export class RouteReceiver {
  #generation = -1;
  #defs: RouteDef[] = [];
  #parts: RoutesMessage | null = null;
  #decoder: WireDecoder | null = null;
  #inserted: RouteDef[] = [];
  #resyncAsked = false;
  readonly #apply: (defs: RouteDef[], generation: number) => void;
  readonly #resync: (holds: number) => void;

  constructor(apply: (defs: RouteDef[], generation: number) => void, resync: (holds: number) => void) {
    this.#apply = apply;
    this.#resync = resync;
  }

  get generation(): number {
    return this.#generation;
  }

  receive(m: RoutesMessage): void {
    if (m.hunks !== undefined) {
      this.#parts = m;
      this.#decoder = new WireDecoder();
      this.#inserted = [];
    } else if (this.#parts === null || this.#parts.generation !== m.generation) return;
    for (const d of this.#decoder!.part(m)) this.#inserted.push(d);
    if (!m.done) return;
    const first = this.#parts!;
    const inserted = this.#inserted;
    this.#parts = null;
    this.#decoder = null;
    this.#inserted = [];
    if (first.base === -1) {
      this.#resyncAsked = false;
      // A full list already applied (a resync crossing a later delta's parts) is not built twice.
      if (first.generation <= this.#generation) return;
    } else if (first.base !== this.#generation) {
      if (!this.#resyncAsked) this.#resync(this.#generation);
      this.#resyncAsked = true;
      return;
    }
    this.#defs = applyDelta(first.base === -1 ? [] : this.#defs, { hunks: first.hunks!, inserted });
    this.#generation = first.generation;
    this.#apply(this.#defs, first.generation);
  }
}

/** Worker side: reports a generation's compile to the primary (see BuiltMessage). */
export function reportBuilt(generation: number, invalid: readonly InvalidRoute[], seconds: number): void {
  process.send?.({ type: 'skj:built', generation, invalid: invalid as InvalidRoute[], seconds } satisfies BuiltMessage);
}

/** Worker side: route lists and the drain order from the primary. */
export function listenToPrimary(o: {
  onRoutes(defs: RouteDef[], generation: number): void;
  onCertificates(certs: NamedCertificate[]): void;
  onShuttingDown(): void;
  onDrain(boundMs: number): void;
}): void {
  const routes = new RouteReceiver(o.onRoutes, (holds) => process.send?.({ type: 'skj:resync', holds } satisfies ResyncMessage));
  process.on('message', (msg: { type?: string }) => {
    if (msg?.type === 'skj:routes') routes.receive(msg as RoutesMessage);
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
