/**
 * Skipper's -passive-health-check map (`period=1m,min-requests=10,max-drop-probability=0.9,…`). An empty map
 * leaves the feature off; period, min-requests and max-drop-probability are required once any key is set.
 */
import { parseDuration } from '../net/index.ts';

export interface PassiveHealthCheckSettings {
  periodMs: number;
  minRequests: number;
  minDropProbability: number;
  maxDropProbability: number;
  maxUnhealthyEndpointsRatio: number;
}

function probability(key: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || Number.isNaN(n) || n < 0 || n > 1) throw new Error(`${key} must be a number from 0 to 1, got "${value}"`);
  return n;
}

/** Returns null when off; throws an Error naming the bad key. */
export function parsePassiveHealthCheck(m: Readonly<Record<string, string>>): PassiveHealthCheckSettings | null {
  if (Object.keys(m).length === 0) return null;
  const s: Partial<PassiveHealthCheckSettings> = { minDropProbability: 0, maxUnhealthyEndpointsRatio: 1 };
  for (const [key, value] of Object.entries(m)) {
    switch (key) {
      case 'period': {
        const ms = parseDuration(value);
        if (ms <= 0) throw new Error(`period must be positive, got "${value}"`);
        s.periodMs = ms;
        break;
      }
      case 'min-requests': {
        const n = Number(value);
        if (!Number.isInteger(n) || n <= 0) throw new Error(`min-requests must be a positive integer, got "${value}"`);
        s.minRequests = n;
        break;
      }
      case 'max-drop-probability': s.maxDropProbability = probability(key, value); break;
      case 'min-drop-probability': s.minDropProbability = probability(key, value); break;
      case 'max-unhealthy-endpoints-ratio': s.maxUnhealthyEndpointsRatio = probability(key, value); break;
      default: throw new Error(`unknown parameter "${key}"`);
    }
  }
  const missing = ['period', 'min-requests', 'max-drop-probability'].filter((k) => !(k in m));
  if (missing.length > 0) throw new Error(`missing required parameter(s) ${missing.join(', ')}`);
  if (s.minDropProbability! >= s.maxDropProbability!) throw new Error('min-drop-probability must be less than max-drop-probability');
  return s as PassiveHealthCheckSettings;
}
