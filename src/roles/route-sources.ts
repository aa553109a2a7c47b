/**
 * The route sources as a service: the configured sources feed the updater, whose merged list runs through
 * the route pipeline (pre-processors, compile, swap into the holder, post-processors). Started, it has built
 * the first table from every source's first list; stopped, the sources no longer poll or watch.
 */
import type { Config } from '../config/table.ts';
import { routeSourcesFromConfig } from '../dataclients/from-config.ts';
import { RouteUpdater } from '../dataclients/updater.ts';
import type { ClusterState } from '../dataclients/kubernetes/convert/index.ts';
import type { RouteListChange } from '../dataclients/types.ts';
import type { RouteDef } from '../eskip/index.ts';
import type { Service } from '../lifecycle/index.ts';
import type { Logger } from '../log/app-log.ts';
import type { ProxyMetrics } from '../metrics/proxy-metrics.ts';
import type { RouteCompiler } from '../routing/compile.ts';
import { RouteTableHolder } from '../routing/holder.ts';
import { RoutePipeline, routeLog, type RoutePostprocessor, type RoutePreprocessor } from '../routing/pipeline.ts';
import type { NamedCertificate } from '../server/tls.ts';
import { routePreprocessors } from './route-pipeline.ts';

export interface RouteSourcesOptions {
  compile: RouteCompiler;
  /** After the route log, in order. */
  post: readonly RoutePostprocessor[];
  onCertificates(certs: NamedCertificate[]): void;
  /** Pre-processors after the shared ones (the rate-limit defaults). */
  pre?: readonly RoutePreprocessor[];
  /** Every Kubernetes cluster state converted (the swarm's Redis shards from a Service). */
  onClusterState?: (state: ClusterState) => void;
  /** Whether each table is logged (default true); the primary of -workers N logs its workers' reports instead. */
  log?: boolean;
}

export type RouteSourcesService = Service & {
  readonly holder: RouteTableHolder;
  /** How a built list differs from its source's previous one, when the source said (RouteUpdater.changeOf). */
  changeOf(defs: readonly RouteDef[]): RouteListChange | undefined;
};

/** Creates the sources (a bad Kubernetes flag throws here, before anything starts) and the pipeline. */
export async function routeSourcesService(c: Config, logger: Logger, metrics: ProxyMetrics, o: RouteSourcesOptions): Promise<RouteSourcesService> {
  const holder = new RouteTableHolder(o.compile([], 0));
  const pipeline = new RoutePipeline({
    pre: routePreprocessors(c, (m) => logger.error(m), o.pre),
    compile: o.compile,
    swap: (t) => holder.swap(t),
    post: [...(o.log === false ? [] : [routeLog(logger)]), ...o.post],
  });
  const updater = new RouteUpdater({
    sources: await routeSourcesFromConfig(c, {
      onCertificates: o.onCertificates,
      onConverted: (info) => metrics.kubernetesInvalidObjects(info.invalidObjects),
      onState: o.onClusterState,
      // In JSON mode the Kubernetes lines go through the application logger; in text mode they keep logrus' shape.
      log: c.applicationLogJsonEnabled ? (e) => logger.log(e.level, e.msg, { kind: e.kind, name: e.name, ns: e.ns }) : undefined,
    }),
    build: (merged, g) => pipeline.apply(merged, g),
    onSourceError: (s, err) => {
      logger.error(`route source ${s.name}: ${err.message}; keeping its last good routes`);
      metrics.sourceError(s.name);
    },
    maxRoutes: c.maxRoutes,
    onGenerationRefused: (err) => logger.error(err.message),
    onSourceRouteErrors: (s, errors) => {
      for (const e of errors) logger.warn(`route source ${s.name}: ${e.id !== undefined ? `route ${e.id}: ` : ''}${e.message}`);
    },
  });
  return { name: 'route sources', holder, start: () => updater.start(), stop: () => updater.stop(), changeOf: (defs) => updater.changeOf(defs) };
}
