/**
 * The lifecycle contract of everything that runs in the background of a process: route-source watchers,
 * store clients, gossip nodes, membership watchers, active health probes. Each process role (single
 * process, primary, worker) lists its services once; a runner starts them in order and stops them in
 * reverse on SIGTERM/drain.
 */

/** One background service. */
export interface Service {
  /** Named in logs and in the error when it fails to start. */
  readonly name: string;
  /** Resolves when the service is usable; rejects with the reason when it cannot start. */
  start(): Promise<void>;
  /** Releases everything the service holds; must be safe to call when start() failed or never ran. */
  stop(): Promise<void>;
  /** True while the service can do its job (readiness, not liveness); absent means "ready once started". */
  ready?(): boolean;
}
