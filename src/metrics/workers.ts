/**
 * Metrics across node:cluster workers. Workers answer prom-client's aggregation request with their registry
 * as JSON; the primary collects the answers itself (instead of AggregatorRegistry.clusterMetrics) so that
 * its own registry — route table gauges, update durations — joins the same aggregation.
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQ = 'prom-client:getMetricsReq';
const RES = 'prom-client:getMetricsRes';

/** In a worker: answer the primary's metric requests with this registry. */
export function serveWorkerMetrics(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // The constructor installs prom-client's worker-side message handler.
  new AggregatorRegistry();
}

type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

interface Pending {
  remaining: number;
  results: MetricsJson[];
  done(err: Error | null): void;
}

let nextId = 1;
const pending = new Map<number, Pending>();
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  cluster.on('message', (_worker, msg: { type?: string; requestId?: number; metrics?: MetricsJson[]; error?: string }) => {
    if (msg?.type !== RES || msg.requestId === undefined) return;
    const p = pending.get(msg.requestId);
    if (p === undefined) return;
    if (msg.error !== undefined) return p.done(new Error(msg.error));
    for (const m of msg.metrics ?? []) p.results.push(m);
    if (--p.remaining === 0) p.done(null);
  });
}

/** In the primary: the Prometheus text of every connected worker plus `own`, aggregated. */
export async function workersMetrics(own: Registry, timeoutMs = 5000): Promise<{ text: string; contentType: string }> {
  listen();
  const results: MetricsJson[] = [await own.getMetricsAsJSON()];
  const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined && w.isConnected());
  if (workers.length > 0) {
    const requestId = nextId++;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => p.done(new Error('workers did not answer the metrics request in time')), timeoutMs);
      const p: Pending = {
        remaining: workers.length,
        results,
        done: (err) => {
          clearTimeout(timer);
          pending.delete(requestId);
          if (err) reject(err);
          else resolve();
        },
      };
      pending.set(requestId, p);
      for (const w of workers) w!.send({ type: REQ, requestId });
    });
  }
  const aggregated = AggregatorRegistry.aggregate(results);
  return { text: await aggregated.metrics(), contentType: aggregated.contentType };
}
