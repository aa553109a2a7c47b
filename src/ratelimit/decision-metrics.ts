/**
 * What the limiters report per decision, declared here where it is consumed; src/metrics implements it with
 * prom-client. Counters are resolved once per limiter (not per request).
 */

/**
 * `allowed` / `refused`: decided by the limiter's own state (local buckets or the swarm store).
 * `fallback`: decided without it — the swarm store was unreachable and the decision fell back (the
 * limiter's fallback counts, or failing open). A fail-closed refusal counts as `refused`.
 */
export type DecisionOutcome = 'allowed' | 'refused' | 'fallback';

/** The counters of one limit group. */
export interface DecisionCounter {
  count(outcome: DecisionOutcome): void;
}

export interface DecisionMetrics {
  /** The counters of `group` (a cluster group name, or a local limiter's label). */
  group(group: string): DecisionCounter;
}

/** For processes that do not export metrics (and tests). */
export const noDecisionMetrics: DecisionMetrics = { group: () => ({ count: () => {} }) };
