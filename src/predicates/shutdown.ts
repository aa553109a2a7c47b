/**
 * Shutdown(): matches while the process is shutting down (Skipper: after SIGTERM). The Kubernetes
 * health-check route `kube__healthz_down` uses it to answer 503 so that load balancers drain the instance
 * before it stops accepting connections.
 */
import type { PredicateSpec } from '../routing/types.ts';
import { expectCount } from './args.ts';

/** Whether the process is shutting down; the composition root owns the real state. */
export type ShutdownState = () => boolean;

export const notShuttingDown: ShutdownState = () => false;

/** The spec; every matcher asks `shuttingDown` per request, so one built before the signal still flips. */
export function shutdownSpec(shuttingDown: ShutdownState): PredicateSpec {
  const matcher = { match: () => shuttingDown() };
  return {
    name: 'Shutdown',
    create(args) {
      expectCount('Shutdown', args, 0);
      return matcher;
    },
  };
}
