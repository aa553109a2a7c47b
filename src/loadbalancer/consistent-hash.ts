/**
 * Consistent hashing on a ring of virtual nodes (10,000 / endpoints per endpoint, as Skipper), with optional
 * bounded loads: with a balance factor f, an endpoint whose in-flight count exceeds f × the average is
 * passed over for the next one on the ring ("Consistent Hashing with Bounded Loads", Mirrokni et al.).
 */
import type { Balancer, LbRequest } from './balancer.ts';
import type { LbEndpoint } from './endpoint.ts';
import { hash53 } from './hash.ts';

const RING_SIZE = 10_000;

/** Builds the ring once per route; choose() is a binary search plus a short walk. */
export function consistentHash(endpoints: readonly string[], parsed: readonly LbEndpoint[]): Balancer {
  const perEndpoint = Math.max(1, Math.floor(RING_SIZE / parsed.length));
  const entries: { h: number; i: number }[] = [];
  for (const ep of parsed) {
    for (let j = 0; j < perEndpoint; j++) entries.push({ h: hash53(`${ep.address}-${j}`), i: ep.index });
  }
  entries.sort((a, b) => a.h - b.h || a.i - b.i);
  const hashes = Float64Array.from(entries, (e) => e.h);
  const owner = Int32Array.from(entries, (e) => e.i);
  const len = hashes.length;

  /** Index of the first ring entry with hash ≥ h, wrapping to 0. */
  function start(key: string): number {
    const h = hash53(key);
    let lo = 0;
    let hi = len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (hashes[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return lo === len ? 0 : lo;
  }

  function choose(candidates: readonly LbEndpoint[], req: LbRequest): LbEndpoint {
    if (candidates.length === 1) return candidates[0]!;
    // Fading-in or unhealthy endpoints are not candidates: skip their ring entries.
    let allowed: Uint8Array | null = null;
    if (candidates.length !== parsed.length) {
      allowed = new Uint8Array(parsed.length);
      for (const c of candidates) allowed[c.index] = 1;
    }
    let r = start(req.hashKey);
    for (let n = 0; n < len && allowed !== null && allowed[owner[r]!] === 0; n++) r = (r + 1) % len;
    if (req.balanceFactor === undefined) return parsed[owner[r]!]!;

    let sum = 1; // the request being placed
    for (const c of candidates) sum += req.inflight(c);
    const target = (sum / candidates.length) * req.balanceFactor;
    for (let n = 0; n < len; n++, r = (r + 1) % len) {
      const i = owner[r]!;
      if (allowed !== null && allowed[i] === 0) continue;
      // Some endpoint is at or below the average, and target ≥ average, so this loop finds one.
      if (req.inflight(parsed[i]!) <= target) return parsed[i]!;
    }
    return parsed[owner[r]!]!;
  }

  return { algorithm: 'consistentHash', endpoints, parsed, choose };
}
