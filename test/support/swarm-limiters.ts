/**
 * SwarmLimiters for testing the consumers of the port before swarm/ lands on main:
 * - `swarmOfOne`: the instance's own sliding-window buckets behind the SwarmLimiter port (a swarm with one
 *   member counts exactly what that member sees), so cluster filters and the backend guard can be shown
 *   to refuse at their limit;
 * - `bucketsOfOne`: leaky buckets kept in this process (the same arithmetic a shared store runs);
 * - `unreachableStore`: a limiter whose store is a real TCP address nobody listens on, so every decision
 *   really fails to connect (ECONNREFUSED), as a Redis-backed limiter does while Redis is down.
 */
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { InProcessLimiter } from '../../src/ratelimit/instance-limiter.ts';
import type { Decision, LimitSettings, SwarmLeakyBucket, SwarmLimiter } from '../../src/ratelimit/ports.ts';

export function swarmOfOne(): SwarmLimiter & { calls: number } {
  const local = new InProcessLimiter();
  const bucket = (l: LimitSettings) => ({ id: `swarm:${l.group}`, maxHits: l.maxHits, windowMs: l.windowMs });
  return {
    calls: 0,
    async allow(limit, key): Promise<Decision> {
      this.calls++;
      const d = local.allow(bucket(limit), key);
      return { allowed: d.allowed, retryAfterMs: d.retryAfterMs, source: 'store' };
    },
    async count(limit, key) {
      return local.count(bucket(limit), key);
    },
  };
}

/** A port on 127.0.0.1 that was bound and released, so connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export function unreachableStore(port: number): SwarmLimiter & { attempts: number } {
  return {
    attempts: 0,
    allow(limit, key, failClosed): Promise<Decision> {
      this.attempts++;
      return new Promise((resolve, reject) => {
        const sock = connect(port, '127.0.0.1');
        sock.once('connect', () => {
          sock.destroy();
          reject(new Error(`unexpected listener on ${port}`));
        });
        sock.once('error', (err) => {
          // As the port's contract allows: fail closed itself when asked, else report the failure.
          if (failClosed) resolve({ allowed: false, retryAfterMs: 1000, source: 'fail-closed' });
          else reject(err);
        });
        void limit;
        void key;
      });
    },
  };
}

export function bucketsOfOne(now: () => number = Date.now): SwarmLeakyBucket {
  const state = new Map<string, { level: number; at: number }>();
  return {
    async add(bucket, label, increment): Promise<Decision> {
      if (increment > bucket.capacity) return { allowed: false, retryAfterMs: 0, source: 'store' };
      const key = `${bucket.capacity}/${bucket.emissionMs}/${label}`;
      const t = now();
      const s = state.get(key) ?? { level: 0, at: t };
      const level = Math.max(0, s.level - (t - s.at) / bucket.emissionMs);
      if (level + increment > bucket.capacity) {
        state.set(key, { level, at: t });
        return { allowed: false, retryAfterMs: (level + increment - bucket.capacity) * bucket.emissionMs, source: 'store' };
      }
      state.set(key, { level: level + increment, at: t });
      return { allowed: true, retryAfterMs: 0, source: 'store' };
    },
  };
}

/** Leaky buckets whose store refuses connections, like unreachableStore. */
export function unreachableBuckets(port: number): SwarmLeakyBucket {
  const limiter = unreachableStore(port);
  return { add: (bucket, label, _inc, failClosed) => limiter.allow({ group: label, maxHits: bucket.capacity, windowMs: bucket.emissionMs }, label, failClosed) };
}
