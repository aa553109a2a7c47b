/**
 * fifo, fifoWithBody, lifo, lifoWithBody, lifoGroup, lifoGroupWithBody (Skipper's filters/scheduler):
 * a concurrency limit per route (or per named group) with a bounded waiting line.
 *
 *   fifo(maxConcurrency, maxQueueSize, timeout)                 all three required
 *   lifo([maxConcurrency[, maxQueueSize[, timeout]]])           defaults 100, 100, "10s"
 *   lifoGroup(name[, maxConcurrency[, maxQueueSize[, timeout]]]) one queue shared by every route of the group
 *
 * A full queue answers 503, a wait longer than the timeout 502 (Skipper's "Queue Full" / "Queue Timeout").
 * The slot is freed when the response filters run — also on proxy-made error responses — or, for the
 * …WithBody variants, when the response body has been streamed.
 */
import { PassThrough, type Readable } from 'node:stream';
import { parseDuration } from '../../net/index.ts';
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import { argCount } from '../args.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../types.ts';
import type { Admission, ConcurrencyQueue, QueueConfig } from './concurrency-queue.ts';
import type { SheddingRegistry } from './shedding-registry.ts';

const LIFO_DEFAULTS: QueueConfig = Object.freeze({ maxConcurrency: 100, maxQueueSize: 100, timeoutMs: 10_000 });

function intArg(name: string, args: readonly Arg[], i: number, what: string): number {
  const a = args[i];
  if (typeof a !== 'number' || !Number.isFinite(a)) throw new InvalidArgsError(`${name}: ${what} must be a number, got ${JSON.stringify(a)}`);
  return Math.trunc(a);
}

function durArg(name: string, args: readonly Arg[], i: number): number {
  const a = args[i];
  if (typeof a !== 'string') throw new InvalidArgsError(`${name}: timeout must be a duration string such as "10s", got ${JSON.stringify(a)}`);
  try {
    return parseDuration(a);
  } catch {
    throw new InvalidArgsError(`${name}: invalid timeout ${JSON.stringify(a)}`);
  }
}

/** The state-bag key holding the release functions of one filter kind (Skipper's pending list). */
function bagKey(name: string): string {
  switch (name) {
    case 'lifo':
    case 'lifoGroup':
      return 'lifo';
    default:
      return name;
  }
}

const FULL = () => ({ status: 503, headers: {}, body: null });
const TIMEOUT = () => ({ status: 502, headers: {}, body: null });

/** Frees `release` once `body` has been consumed or dropped (the …WithBody variants). */
function releaseAfterBody(ctx: FilterContext, release: () => void): void {
  const res = ctx.response;
  const body: Readable | null = res?.body ?? null;
  if (res === null || body === null) {
    release();
    return;
  }
  // A pass-through rather than listeners on the body: the writer may take a complete backend body whole,
  // without ever ending it, which would leave the slot taken.
  const pt = new PassThrough();
  body.on('error', (e) => pt.destroy(e));
  pt.once('close', () => {
    release();
    if (!body.readableEnded) body.destroy();
  });
  body.pipe(pt);
  res.body = pt;
}

function queueFilter(name: string, registry: SheddingRegistry, key: (ctx: FilterContext) => string, lifo: boolean, config: QueueConfig | null, fallback: QueueConfig): FilterInstance {
  const withBody = name.endsWith('WithBody');
  const slotKey = bagKey(name);
  let queue: ConcurrencyQueue | null = null;
  let attachedAs = '';
  const admitted = (ctx: FilterContext, a: Admission): void => {
    if (a === 'full') return ctx.serve(FULL());
    if (a === 'timeout') return ctx.serve(TIMEOUT());
    const pending = ctx.stateBag.get(slotKey) as Array<() => void> | undefined;
    if (pending === undefined) ctx.stateBag.set(slotKey, [a]);
    else pending.push(a);
  };
  return {
    name,
    handlesErrors: true,
    request(ctx) {
      if (queue === null) {
        attachedAs = key(ctx);
        queue = registry.attachQueue(attachedAs, lifo, config, fallback);
      }
      const a = queue.admit();
      if (typeof a === 'object') return a.then((v) => admitted(ctx, v));
      admitted(ctx, a);
    },
    response(ctx) {
      const pending = ctx.stateBag.get(slotKey) as Array<() => void> | undefined;
      const release = pending?.pop();
      if (release === undefined) return;
      if (withBody) releaseAfterBody(ctx, release);
      else release();
    },
    close() {
      if (queue !== null) registry.detachQueue(attachedAs);
      queue = null;
    },
  };
}

function fifoSpec(name: 'fifo' | 'fifoWithBody', registry: SheddingRegistry): FilterSpec {
  return {
    name,
    create(args) {
      argCount(name, args, 3);
      const maxConcurrency = intArg(name, args, 0, 'maxConcurrency');
      if (maxConcurrency < 1) throw new InvalidArgsError(`${name}: maxConcurrency requires a value > 0, got ${maxConcurrency}`);
      const maxQueueSize = intArg(name, args, 1, 'maxQueueSize');
      if (maxQueueSize < 0) throw new InvalidArgsError(`${name}: maxQueueSize requires a value >= 0, got ${maxQueueSize}`);
      const timeoutMs = durArg(name, args, 2);
      if (timeoutMs < 1) throw new InvalidArgsError(`${name}: timeout requires a value >= 1ms`);
      const c = Object.freeze({ maxConcurrency, maxQueueSize, timeoutMs });
      return queueFilter(name, registry, (ctx) => `fifo:${ctx.routeId}`, false, c, c);
    },
  };
}

/** Skipper ignores out-of-range lifo arguments and keeps the default. */
function lifoConfig(name: string, args: readonly Arg[], from: number): QueueConfig {
  let { maxConcurrency, maxQueueSize, timeoutMs } = LIFO_DEFAULTS;
  if (args.length > from) {
    const c = intArg(name, args, from, 'maxConcurrency');
    if (c >= 1) maxConcurrency = c;
  }
  if (args.length > from + 1) {
    const q = intArg(name, args, from + 1, 'maxQueueSize');
    if (q >= (name.startsWith('lifoGroup') ? 1 : 0)) maxQueueSize = q;
  }
  if (args.length > from + 2) {
    const d = durArg(name, args, from + 2);
    if (d >= 1) timeoutMs = d;
  }
  return Object.freeze({ maxConcurrency, maxQueueSize, timeoutMs });
}

function lifoSpec(name: 'lifo' | 'lifoWithBody', registry: SheddingRegistry): FilterSpec {
  return {
    name,
    create(args) {
      argCount(name, args, 0, 3);
      const c = lifoConfig(name, args, 0);
      return queueFilter(name, registry, (ctx) => `lifo:${ctx.routeId}`, true, c, c);
    },
  };
}

function lifoGroupSpec(name: 'lifoGroup' | 'lifoGroupWithBody', registry: SheddingRegistry): FilterSpec {
  return {
    name,
    create(args) {
      argCount(name, args, 1, 4);
      const a0 = args[0];
      if (typeof a0 !== 'string') throw new InvalidArgsError(`${name}: the group name must be a string, got ${JSON.stringify(a0)}`);
      // Only a filter with arguments beyond the name configures the group (Skipper's HasConfig).
      const c = args.length > 1 ? lifoConfig(name, args, 1) : null;
      return queueFilter(name, registry, () => `lifoGroup:${a0}`, true, c, LIFO_DEFAULTS);
    },
  };
}

/** The six queue filters over one registry. */
export function queueFilters(registry: SheddingRegistry): FilterSpec[] {
  return [
    fifoSpec('fifo', registry), fifoSpec('fifoWithBody', registry),
    lifoSpec('lifo', registry), lifoSpec('lifoWithBody', registry),
    lifoGroupSpec('lifoGroup', registry), lifoGroupSpec('lifoGroupWithBody', registry),
  ];
}
