/**
 * SwarmLimiters for testing the consumers of the port before swarm/ lands on main:
 * - `swarmOfOne`: the instance's own sliding-window buckets behind the SwarmLimiter port (a swarm with one
 *   member counts exactly what that member sees), so cluster filters and the backend guard can be shown
 *   to refuse at their limit;
 * - `unreachableStore`: a limiter whose store is a real TCP address nobody listens on, so every decision
 *   really fails to connect (ECONNREFUSED), as a Redis-backed limiter does while Redis is down.
 */
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { InProcessLimiter } from '../../src/ratelimit/instance-limiter.ts';
import type { Decision, LimitSettings, SwarmLimiter } from '../../src/ratelimit/ports.ts';

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
