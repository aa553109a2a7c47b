/**
 * A bounded open-loop load generator: `rate` requests per second for `durationMs`, spread round-robin over
 * the instances alive at send time, each instance behind its own undici Pool. Bounded in count
 * (rate × duration), in concurrency, and in time (per-request deadline). Records every outcome, so nothing
 * is lost silently: status 0 is a connection error or timeout.
 */
import { Pool } from 'undici';

export interface Sample {
  /** Send time, ms since epoch. */
  t: number;
  status: number;
  latencyMs: number;
  instance: number;
}

export interface Target {
  base: string;
  alive: boolean;
}

export interface LoadOptions {
  rate: number;
  durationMs: number;
  path?: string;
  headers?: Record<string, string>;
  /** Most requests in flight at once; sends beyond it wait. */
  maxInFlight?: number;
  timeoutMs?: number;
  /** Called at each send with elapsed ms, to inject faults on schedule. */
  onTick?: (elapsedMs: number) => void | Promise<void>;
  /** Checked at each send: true ends the load before `durationMs` (a scenario that runs until it has settled). */
  stop?: (elapsedMs: number) => boolean;
}

const pools = new Map<string, Pool>();

function pool(base: string): Pool {
  let p = pools.get(base);
  if (p === undefined) {
    p = new Pool(base, { connections: 16, pipelining: 1, keepAliveTimeout: 10_000 });
    pools.set(base, p);
  }
  return p;
}

/** Closes every pool (cleanup). */
export async function closePools(): Promise<void> {
  await Promise.all([...pools.values()].map((p) => p.destroy()));
  pools.clear();
}

export async function one(base: string, path = '/', headers: Record<string, string> = {}, timeoutMs = 5000): Promise<{ status: number; latencyMs: number }> {
  const start = performance.now();
  try {
    const r = await pool(base).request({ path, method: 'GET', headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    await r.body.dump();
    return { status: r.statusCode, latencyMs: performance.now() - start };
  } catch {
    return { status: 0, latencyMs: performance.now() - start };
  }
}

export async function runLoad(targets: readonly Target[], o: LoadOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  const total = Math.floor((o.rate * o.durationMs) / 1000);
  const maxInFlight = o.maxInFlight ?? 256;
  const begin = Date.now();
  let inFlight = 0;
  let next = 0;
  const pending = new Set<Promise<void>>();
  for (let i = 0; i < total; i++) {
    const due = begin + (i * 1000) / o.rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await o.onTick?.(Date.now() - begin);
    if (o.stop?.(Date.now() - begin) === true) break;
    while (inFlight >= maxInFlight) await Promise.race(pending);
    const alive = targets.map((t, k) => [t, k] as const).filter(([t]) => t.alive);
    if (alive.length === 0) break;
    const [target, k] = alive[next++ % alive.length]!;
    const t = Date.now();
    inFlight++;
    const p = one(target.base, o.path, o.headers, o.timeoutMs).then((r) => {
      samples.push({ t, status: r.status, latencyMs: r.latencyMs, instance: k });
      inFlight--;
      pending.delete(p);
    });
    pending.add(p);
  }
  await Promise.all(pending);
  return samples;
}

/** Counts of `pred` samples per window of `windowMs` from `start`. */
export function perWindow(samples: readonly Sample[], start: number, windowMs: number, windows: number, pred: (s: Sample) => boolean): number[] {
  const out = new Array<number>(windows).fill(0);
  for (const s of samples) {
    const w = Math.floor((s.t - start) / windowMs);
    if (w >= 0 && w < windows && pred(s)) out[w]!++;
  }
  return out;
}
