/**
 * Breaker settings as Skipper's circuit package has them: global defaults and per-host settings from
 * `-breaker` (repeatable), and route settings from the consecutiveBreaker / rateBreaker / disableBreaker
 * filters, merged field by field (route over host over global).
 */
import { parseDuration } from '../net/index.ts';

/** 'none': no breaker type set at this level (inherit); 'disabled': explicitly off. */
export type BreakerType = 'none' | 'consecutive' | 'rate' | 'disabled';

export interface BreakerSettings {
  readonly type: BreakerType;
  /** Backend host these settings are for; '' for global defaults and route settings. */
  readonly host: string;
  /** Rate breakers: the number of most recent requests sampled. */
  readonly window: number;
  /** Consecutive failures (consecutive) or failures within the window (rate) that open the breaker. */
  readonly failures: number;
  /** How long the breaker stays open before it lets probes through (ms); 0: inherit, then 60 s. */
  readonly timeoutMs: number;
  /** Successful probes needed in half-open state to close again; 0: inherit, then 1. */
  readonly halfOpenRequests: number;
  /** A breaker unused this long is dropped and starts afresh (ms); 0: inherit, then 1 h. */
  readonly idleTtlMs: number;
}

/** Skipper's circuit.DefaultIdleTTL. */
export const DEFAULT_IDLE_TTL_MS = 3_600_000;
/** gobreaker's default open timeout when none is set. */
export const DEFAULT_TIMEOUT_MS = 60_000;

export const NO_SETTINGS: BreakerSettings = Object.freeze({
  type: 'none', host: '', window: 0, failures: 0, timeoutMs: 0, halfOpenRequests: 0, idleTtlMs: 0,
});

/** `to` with its unset fields taken from `from` (Skipper's mergeSettings). */
export function mergeSettings(to: BreakerSettings, from: BreakerSettings): BreakerSettings {
  let type = to.type;
  let failures = to.failures;
  let window = to.window;
  if (type === 'none') {
    type = from.type;
    if (from.type === 'consecutive') failures = from.failures;
    if (from.type === 'rate') {
      window = from.window;
      failures = from.failures;
    }
  }
  return {
    type,
    host: to.host,
    window,
    failures,
    timeoutMs: to.timeoutMs === 0 ? from.timeoutMs : to.timeoutMs,
    halfOpenRequests: to.halfOpenRequests === 0 ? from.halfOpenRequests : to.halfOpenRequests,
    idleTtlMs: to.idleTtlMs === 0 ? from.idleTtlMs : to.idleTtlMs,
  };
}

/** A stable text form, used as the registry key and in logs (Skipper's BreakerSettings.String). */
export function settingsKey(s: BreakerSettings): string {
  if (s.type === 'disabled') return 'disabled';
  if (s.type === 'none') return 'none';
  const parts = [`type=${s.type}`];
  if (s.host !== '') parts.push(`host=${s.host}`);
  if (s.type === 'rate' && s.window > 0) parts.push(`window=${s.window}`);
  if (s.failures > 0) parts.push(`failures=${s.failures}`);
  if (s.timeoutMs > 0) parts.push(`timeout=${s.timeoutMs}ms`);
  if (s.halfOpenRequests > 0) parts.push(`half-open-requests=${s.halfOpenRequests}`);
  if (s.idleTtlMs > 0) parts.push(`idle-ttl=${s.idleTtlMs}ms`);
  return parts.join(',');
}

function int(key: string, v: string): number {
  if (!/^[+-]?\d+$/.test(v)) throw new Error(`${key}: expected an integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

/**
 * One `-breaker` value: `type=rate,host=www.example.org,window=300,failures=30,timeout=10s,…`. The type
 * defaults to consecutive. Throws an Error naming the bad key.
 */
export function parseBreakerFlag(value: string): BreakerSettings {
  const s = { ...NO_SETTINGS } as { -readonly [K in keyof BreakerSettings]: BreakerSettings[K] };
  for (const kv of value.split(',')) {
    const eq = kv.indexOf('=');
    if (eq === -1) throw new Error(`invalid breaker setting ${JSON.stringify(kv)} (expected key=value)`);
    const k = kv.slice(0, eq).trim();
    const v = kv.slice(eq + 1).trim();
    switch (k) {
      case 'type':
        if (v !== 'consecutive' && v !== 'rate' && v !== 'disabled') {
          throw new Error(`invalid breaker type ${JSON.stringify(v)} (allowed values are: consecutive, rate or disabled)`);
        }
        s.type = v;
        break;
      case 'host':
        s.host = v;
        break;
      case 'window':
        s.window = int(k, v);
        break;
      case 'failures':
        s.failures = int(k, v);
        break;
      case 'timeout':
        s.timeoutMs = parseDuration(v);
        break;
      case 'half-open-requests':
        s.halfOpenRequests = int(k, v);
        break;
      case 'idle-ttl':
        s.idleTtlMs = parseDuration(v);
        break;
      default:
        throw new Error(`unknown breaker setting ${JSON.stringify(k)} (allowed: type, host, window, failures, timeout, half-open-requests, idle-ttl)`);
    }
  }
  if (s.type === 'none') s.type = 'consecutive';
  return Object.freeze(s);
}
