/**
 * Rate-limit decisions as Prometheus counters: `skipjack_ratelimit_decisions_total{group, outcome}`.
 * FastCounter series resolved once per limiter, so a decision is one addition. Counters sum across workers;
 * with -workers N the local decisions are made in the primary but counted in the worker that asked, so
 * each decision is counted once.
 */
import type { Registry } from 'prom-client';
import type { DecisionCounter, DecisionMetrics, DecisionOutcome } from '../ratelimit/decision-metrics.ts';
import { FastCounter } from './fast-metrics.ts';
import { METRIC_PREFIX } from './proxy-metrics.ts';

/** Decision counters registered in `registry`. */
export function createRateLimitMetrics(registry: Registry): DecisionMetrics {
  const decisions = new FastCounter({
    name: `${METRIC_PREFIX}ratelimit_decisions_total`,
    help: 'Rate-limit decisions by limit group and outcome (allowed, refused, fallback: decided without the shared state)',
    registers: [registry],
  });
  return {
    group(group: string): DecisionCounter {
      const s = {
        allowed: decisions.labels({ group, outcome: 'allowed' }),
        refused: decisions.labels({ group, outcome: 'refused' }),
        fallback: decisions.labels({ group, outcome: 'fallback' }),
      };
      return { count: (o: DecisionOutcome) => s[o].inc() };
    },
  };
}
