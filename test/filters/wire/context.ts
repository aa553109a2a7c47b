/**
 * The shared test FilterContext (test/filters/context.ts) with what the wire filter tests need on top:
 * a streamed request body, a ready response, and stream-observing helpers.
 */
import { Readable } from 'node:stream';
import type { HeaderBag } from '../../../src/routing/types.ts';
import type { FilterResponse } from '../../../src/routing/filter-contract.ts';
import { makeContext as baseContext } from '../context.ts';
import type { TestContext } from '../context.ts';

export type { TestContext };

export interface WireContextInit {
  method?: string;
  path?: string;
  rawQuery?: string;
  host?: string;
  headers?: HeaderBag;
  body?: Readable | null;
  response?: FilterResponse | null;
}

export function makeContext(init: WireContextInit = {}): TestContext {
  const url = (init.path ?? '/') + (init.rawQuery ? `?${init.rawQuery}` : '');
  const ctx = baseContext({ method: init.method, url, host: init.host, headers: init.headers });
  ctx.request.body = init.body ?? null;
  ctx.response = init.response ?? null;
  return ctx;
}

/** Read a whole body in tests (bounded by what the test produced). */
export async function readAll(body: Readable | null): Promise<Buffer> {
  if (body === null) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(parts);
}

/** Collect the chunk sizes a body is delivered in. */
export async function chunkSizes(body: Readable): Promise<number[]> {
  const sizes: number[] = [];
  for await (const c of body) sizes.push((c as Buffer).length);
  return sizes;
}

/** An endless source that counts how many bytes were pulled from it. */
export function countingSource(chunk = 1024): { source: Readable; pulled: () => number } {
  let pulled = 0;
  const source = new Readable({
    read() {
      pulled += chunk;
      this.push(Buffer.alloc(chunk, 0x61));
    },
  });
  return { source, pulled: () => pulled };
}

/** Let the event loop run a bounded number of turns (no wall-clock wait). */
export async function spin(turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}
