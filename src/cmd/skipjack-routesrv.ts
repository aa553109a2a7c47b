#!/usr/bin/env node
/**
 * skipjack-routesrv: watches the Kubernetes API like `skipjack -kubernetes` and serves the routes as eskip
 * for a fleet of skipjack instances started with `-routes-urls http://routesrv:9990/routes`. Takes the
 * `-kubernetes-…` flags, `-address` (default :9990), the Redis service flags for /swarm/redis/shards, and
 * Skipper routesrv's route pre-processors: -default-filters-prepend/-append, -clone-route and -edit-route.
 * Until the first load succeeds it keeps retrying and /health answers 503. /metrics serves Skipper routesrv's
 * `routesrv_custom_…` names and skipjack's `skipjack_routesrv_…` ones.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../config/load.ts';
import { checkDefaultFilters, hasDefaultFilters } from '../config/default-filters.ts';
import type { Config } from '../config/table.ts';
import type { FilterSpec } from '../filters/types.ts';
import type { Registry } from '../registry.ts';
import { kubeOptionsFromConfig } from '../dataclients/kubernetes/from-config.ts';
import { formatLogrus } from '../dataclients/kubernetes/log.ts';
import { createKubernetesSource } from '../dataclients/kubernetes/source.ts';
import { routePreprocessors } from '../roles/route-pipeline.ts';
import { RouteServer } from '../routesrv/server.ts';
import { createRouteServerMetrics } from '../routesrv/metrics.ts';
import { HelpRequested } from '../config/errors.ts';
import { renderUsage } from '../config/flags-doc.ts';
import { readVersion } from '../version.ts';

/** The flags routesrv acts on; the others parse (one config file serves both commands) and are ignored. */
const ROUTESRV_FLAGS = /^(address|version|config-file|kubernetes.*|whitelisted-healthcheck-cidr|default-filters-(prepend|append)|clone-route|edit-route|reverse-source-predicate)$/;

const USAGE_INTRO = 'Watches the Kubernetes API and serves the routes as eskip on /routes (default address :9990), with /health,\n' +
  '/metrics and /swarm/redis/shards, for skipjack instances started with -routes-urls.';

function log(level: 'info' | 'error', msg: string): void {
  process.stderr.write(formatLogrus({ level, msg }) + '\n');
}

/** `:9990`, `127.0.0.1:9990`, `[::1]:9990` → host and port. */
function splitAddress(a: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*))?:(\d+)$/.exec(a);
  if (!m) throw new Error(`invalid value "${a}" for flag -address: expected [host]:port`);
  if (Number(m[3]) > 65535) throw new Error(`invalid value "${a}" for flag -address: port out of range (0-65535)`);
  const host = m[1] ?? m[2];
  return { host: host === '' || host === undefined ? undefined : host, port: Number(m[3]) };
}

/**
 * The filters a skipjack started with the same flags compiles routes with: the built-in ones, and the
 * rate-limit family under -enable-ratelimits / -ratelimits (its buckets here only serve the check).
 */
async function fleetFilters(cfg: Config): Promise<Registry<FilterSpec>> {
  const { builtinFilters } = await import('../filters/builtin.ts');
  if (!cfg.enableRatelimits && cfg.ratelimits.length === 0) return builtinFilters();
  const { rateLimitFilters } = await import('../filters/ratelimit/index.ts');
  const { LimiterRegistry } = await import('../ratelimit/registry.ts');
  const { InProcessLimiter } = await import('../ratelimit/instance-limiter.ts');
  return builtinFilters(rateLimitFilters(new LimiterRegistry({ instance: new InProcessLimiter(), maxGroupShards: cfg.clusterRatelimitMaxGroupShards })));
}

export async function main(argv: string[]): Promise<number> {
  let server: RouteServer;
  let address: { host: string | undefined; port: number };
  try {
    const cfg = loadConfig(argv);
    if (cfg.version) {
      process.stdout.write(`skipjack-routesrv ${readVersion()}\n`);
      return 0;
    }
    // The fleet puts these filters into every route it gets from here: one it cannot create would
    // invalidate them all, so refuse to start instead. The filter registry is loaded only then: the route
    // server runs no filter otherwise, and loading it costs start-up time.
    if (hasDefaultFilters(cfg)) checkDefaultFilters(cfg, await fleetFilters(cfg));
    const explicitAddress = argv.some((a) => /^--?address(=|$)/.test(a));
    address = splitAddress(explicitAddress ? cfg.address : ':9990');
    const opts = kubeOptionsFromConfig(cfg);
    server = new RouteServer({
      source: createKubernetesSource(opts),
      redis: cfg.kubernetesRedisServiceName
        ? { namespace: cfg.kubernetesRedisServiceNamespace, name: cfg.kubernetesRedisServiceName, port: cfg.kubernetesRedisServicePort }
        : undefined,
      // Skipper's routesrv runs the same pre-processors as the proxy, so its fleet gets finished routes.
      pre: routePreprocessors(cfg, (m) => log('error', m)),
      onError: (err) => log('error', err.message),
      metrics: createRouteServerMetrics(),
    });
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(renderUsage({ program: 'skipjack-routesrv', intro: USAGE_INTRO, only: (name) => ROUTESRV_FLAGS.test(name) }));
      return 0;
    }
    process.stderr.write(`skipjack-routesrv: ${(err as Error).message}\n`);
    return 2;
  }
  const bound = await server.listen(address.port, address.host);
  log('info', `route server listening on ${bound.address}:${bound.port}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let delay = 500; !stopping; delay = Math.min(delay * 2, 15_000)) {
    try {
      await server.startSource();
      log('info', `routes initialized: ${server.snapshot?.count ?? 0} routes`);
      break;
    } catch (err) {
      log('error', `${(err as Error).message}; retrying in ${delay} ms`);
      await sleep(delay);
    }
  }
  return 0;
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  if (code !== 0) process.exit(code);
}
