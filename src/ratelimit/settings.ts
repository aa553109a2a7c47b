/**
 * Rate-limit settings as Skipper keys its limiter registry: the kind, the limit, the window, the group and
 * how a client is identified. Two routes with equal settings share one limiter (Skipper's map[Settings]),
 * so `ratelimit(20, "1m")` on two routes counts into one bucket, as there.
 */
import { formatDuration, parseDuration } from '../net/index.ts';

/** Skipper's ratelimit.RatelimitType, by its -ratelimits spelling. */
export type RateLimitKind = 'service' | 'client' | 'clusterService' | 'clusterClient' | 'disabled';

/** One limiter's settings; `identity` names how requests are bucketed (part of the registry key). */
export interface RateLimitSettings {
  readonly kind: RateLimitKind;
  readonly maxHits: number;
  readonly windowMs: number;
  /** The swarm-wide group of cluster limits, '' for local ones. */
  readonly group: string;
  /** A stable description of the client identity ('' = one bucket for all), e.g. `xff` or `header:authorization`. */
  readonly identity: string;
}

/** True for limits counted across the swarm (they need a SwarmLimiter). */
export function isCluster(kind: RateLimitKind): boolean {
  return kind === 'clusterService' || kind === 'clusterClient';
}

/** The registry key: equal settings, equal key. */
export function settingsKey(s: RateLimitSettings): string {
  return `${s.kind}|${s.maxHits}|${s.windowMs}|${s.group}|${s.identity}`;
}

/** The label of a limiter in logs and metrics: the cluster group, or Skipper's Settings.String() for local limits. */
export function settingsLabel(s: RateLimitSettings): string {
  if (isCluster(s.kind)) return s.group;
  return `ratelimit(type=${s.kind},max-hits=${s.maxHits},time-window=${formatDuration(s.windowMs)})`;
}

/**
 * Seconds a refused client should wait, as Skipper's limiters report it: the whole seconds until the
 * oldest counted hit leaves the window, plus one, and at least 1.
 */
export function retryAfterSeconds(ms: number): number {
  return ms > 0 ? Math.floor(ms / 1000) + 1 : 1;
}

/**
 * Skipper's ratelimit.Headers: `X-Rate-Limit` is the limit scaled to one hour (integer division, as Go's
 * int64 arithmetic), `Retry-After` the seconds to wait.
 */
export function rateLimitHeaders(maxHits: number, windowMs: number, retryAfterSec: number): Record<string, string> {
  return { 'x-rate-limit': String(Math.floor((maxHits * 3_600_000) / windowMs)), 'retry-after': String(retryAfterSec) };
}

const KINDS: Readonly<Record<string, RateLimitKind>> = {
  local: 'client', client: 'client', service: 'service', clusterClient: 'clusterClient',
  clusterService: 'clusterService', disabled: 'disabled',
};

/**
 * Parses one `-ratelimits` value in Skipper's syntax: `type=client,max-hits=20,time-window=60s[,group=g]`.
 * A missing type means `disabled`, as in Skipper. Throws an Error naming the bad part.
 */
export function parseRatelimitsFlag(value: string): RateLimitSettings {
  let kind: RateLimitKind = 'disabled';
  let maxHits = 0;
  let windowMs = 0;
  let group = '';
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new Error(`invalid ratelimit config ${JSON.stringify(part)}: expected key=value`);
    const k = part.slice(0, eq);
    const v = part.slice(eq + 1);
    switch (k) {
      case 'type': {
        const t = KINDS[v];
        if (t === undefined) throw new Error(`invalid ratelimit type ${JSON.stringify(v)} (allowed values are: client, service, clusterClient, clusterService, disabled)`);
        kind = t;
        break;
      }
      case 'max-hits':
        if (!/^[+-]?\d+$/.test(v)) throw new Error(`invalid max-hits ${JSON.stringify(v)}: expected an integer`);
        maxHits = Number(v);
        if (maxHits < 0) throw new Error(`invalid max-hits ${v}: must not be negative`);
        break;
      case 'time-window':
        windowMs = parseDuration(v);
        break;
      case 'group':
        group = v;
        break;
      default:
        throw new Error(`invalid ratelimit config key ${JSON.stringify(k)} (allowed: type, max-hits, time-window, group)`);
    }
  }
  if (kind !== 'disabled' && windowMs <= 0) throw new Error(`ratelimit ${JSON.stringify(value)}: time-window must be positive`);
  const identity = kind === 'client' || kind === 'clusterClient' ? 'xff' : '';
  return { kind, maxHits, windowMs, group, identity };
}
