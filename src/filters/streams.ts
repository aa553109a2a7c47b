/**
 * Stream building blocks for the filters that reshape bodies on the wire (diagnostics, compression, tee).
 *
 * Invariant shared by everything here: a wrapper pulls from its source only when its own consumer reads,
 * holds at most one chunk (or one `chunkSize` slice) of its own, and destroying the wrapper destroys the
 * source and cancels any pending delay. No helper ever buffers a whole body.
 */
import { PassThrough, Readable, Transform, pipeline } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import type { FilterContext } from '../routing/filter-contract.ts';

/**
 * Wait `ms` milliseconds; resolves early (never rejects) when `signal` aborts. Uses the global setTimeout
 * at call time so that node:test mock timers can drive it.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function asBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`body chunk is not bytes: ${typeof chunk}`);
}

/**
 * Re-slice a byte stream into pieces of exactly `size` bytes (the last one may be shorter), holding at
 * most `size` bytes at a time.
 */
export async function* rechunk(source: AsyncIterable<unknown> | Iterable<unknown>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  for await (const raw of source) {
    let chunk = asBuffer(raw);
    while (pendingLength + chunk.length >= size) {
      const take = size - pendingLength;
      pending.push(chunk.subarray(0, take));
      yield pending.length === 1 ? pending[0]! : Buffer.concat(pending, size);
      chunk = chunk.subarray(take);
      pending = [];
      pendingLength = 0;
    }
    if (chunk.length > 0) {
      pending.push(chunk);
      pendingLength += chunk.length;
    }
  }
  if (pendingLength > 0) yield Buffer.concat(pending, pendingLength);
}

/** Produces the body of a derived stream; `signal` aborts when the consumer goes away. */
export type BodyGenerator = (signal: AbortSignal) => AsyncIterable<Buffer> | Iterable<Buffer>;

/**
 * A byte Readable that pulls from `generate` on demand (back-pressure comes from Readable.from). When the
 * result closes for any reason, `source` (if given) is destroyed and pending sleeps are cut short.
 */
export function generatedReadable(generate: BodyGenerator, source: Readable | null = null): Readable {
  const ac = new AbortController();
  const out = Readable.from(generate(ac.signal), { objectMode: false });
  out.once('close', () => {
    ac.abort();
    if (source !== null && !source.destroyed) source.destroy();
  });
  return out;
}

/**
 * `source` in slices of `chunkSize` bytes with `gapMs` of silence between consecutive slices (Skipper's
 * chunks/backendChunks).
 */
export function chunkedReadable(source: Readable, chunkSize: number, gapMs: number): Readable {
  return generatedReadable(async function* (signal) {
    let first = true;
    for await (const piece of rechunk(source, chunkSize)) {
      if (!first) await sleep(gapMs, signal);
      if (signal.aborted) return;
      first = false;
      yield piece;
    }
  }, source);
}

/** Slice size for bandwidth limiting: Skipper throttles in 512-byte steps. */
export const THROTTLE_SLICE = 512;

/**
 * `source` limited to `bytesPerMs` on average. Deadlines are computed from the start of the stream, so
 * the rate stays exact even when one sleep is shorter than a timer tick.
 */
export function throttledReadable(source: Readable, bytesPerMs: number): Readable {
  return generatedReadable(async function* (signal) {
    const start = performance.now();
    let sent = 0;
    for await (const piece of rechunk(source, THROTTLE_SLICE)) {
      if (signal.aborted) return;
      yield piece;
      sent += piece.length;
      const ahead = start + sent / bytesPerMs - performance.now();
      if (ahead >= 1) await sleep(ahead, signal);
    }
  }, source);
}

/** A Readable of exactly the given buffers, in order. */
export function bufferReadable(...parts: Buffer[]): Readable {
  return Readable.from(parts, { objectMode: false });
}

/**
 * Pass `source` through `transform`, propagating errors and early destruction both ways, and return the
 * transform as the new body.
 */
export function through<T extends Transform>(source: Readable, transform: T): T {
  // The callback only swallows the error: pipeline already destroyed every stream with it, and the
  // consumer of `transform` sees it there.
  pipeline(source, transform, () => {});
  return transform;
}

/** A Transform that shows every chunk to `observe` and passes it on unchanged. */
export function tapStream(observe: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      observe(chunk);
      cb(null, chunk);
    },
  });
}

/**
 * A header of a HeaderBag as one string: repeated fields joined with ", " (RFC 9110 §5.3), "" when absent.
 * `name` must be lower-case.
 */
export function headerString(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string {
  const v = headers[name];
  if (v === undefined) return '';
  return typeof v === 'string' ? v : v.join(', ');
}

/** The two halves of a body split for shadow traffic. */
export interface SplitBody {
  /** Goes where the body went before; its pace alone drives the source. */
  main: Readable;
  /** The copy; destroyed with an error once it falls `maxBuffered` bytes behind. */
  shadow: Readable;
}

/**
 * Split a body so a shadow copy can be sent without ever slowing the main request: the main side keeps
 * normal back-pressure; the shadow side may buffer up to `maxBuffered` bytes and is dropped (destroyed
 * with an error) rather than held up. Destroying the main side early also drops the shadow.
 */
export function splitBody(source: Readable, maxBuffered: number): SplitBody {
  const shadow = new PassThrough({ highWaterMark: maxBuffered });
  // Whoever sends the shadow may not listen for errors yet (or any more): never let one crash the process.
  shadow.on('error', () => {});
  let live = true;
  let ended = false;
  const drop = (why: string): void => {
    if (!live) return;
    live = false;
    if (!shadow.destroyed) shadow.destroy(new Error(`shadow body dropped: ${why}`));
  };
  const main = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      if (live) {
        if (shadow.destroyed) live = false;
        else if (shadow.writableLength + shadow.readableLength + chunk.length > maxBuffered) drop(`more than ${maxBuffered} bytes behind`);
        else shadow.write(chunk);
      }
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      ended = true;
      if (live) shadow.end();
      cb();
    },
    destroy(err: Error | null, cb: (error?: Error | null) => void) {
      if (!ended) drop(err === null ? 'main request closed early' : err.message);
      cb(err);
    },
  });
  pipeline(source, main, () => {});
  return { main, shadow };
}

/** Which body a filter reshapes: the request body on its way to the backend, or the response body. */
export type BodySide = 'request' | 'response';

/** Replace the body on `side` with `wrap(body)`; a missing body stays missing. */
export function wrapBody(ctx: FilterContext, side: BodySide, wrap: (body: Readable) => Readable): void {
  if (side === 'request') {
    if (ctx.request.body !== null) ctx.request.body = wrap(ctx.request.body);
    return;
  }
  const rsp = ctx.response;
  if (rsp !== null && rsp.body !== null) rsp.body = wrap(rsp.body);
}
