/**
 * -active-health-check (a skipjack extension; Skipper has no active probing): `path=/healthz,interval=1s,
 * timeout=1s,healthy=2`. An empty map leaves it off. It needs -passive-health-check, which finds the
 * endpoints to take out of rotation.
 */
import { parseDuration } from '../net/index.ts';

export interface ActiveHealthCheckSettings {
  path: string;
  intervalMs: number;
  timeoutMs: number;
  healthy: number;
}

/** Null when off; throws an Error naming the bad key. */
export function parseActiveHealthCheck(m: Readonly<Record<string, string>>): ActiveHealthCheckSettings | null {
  if (Object.keys(m).length === 0) return null;
  const s: ActiveHealthCheckSettings = { path: '/', intervalMs: 1000, timeoutMs: 1000, healthy: 1 };
  for (const [key, value] of Object.entries(m)) {
    switch (key) {
      case 'path':
        if (!value.startsWith('/')) throw new Error(`path must start with "/", got "${value}"`);
        s.path = value;
        break;
      case 'interval':
      case 'timeout': {
        const ms = parseDuration(value);
        if (ms <= 0) throw new Error(`${key} must be positive, got "${value}"`);
        if (key === 'interval') s.intervalMs = ms;
        else s.timeoutMs = ms;
        break;
      }
      case 'healthy': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) throw new Error(`healthy must be a positive integer, got "${value}"`);
        s.healthy = n;
        break;
      }
      default:
        throw new Error(`unknown parameter "${key}" (allowed: path, interval, timeout, healthy)`);
    }
  }
  return s;
}
