/**
 * The route sources the flags ask for: -routes-file, -inline-routes, each of -routes-urls, and -kubernetes,
 * in that order (the updater merges them in source order).
 */
import { ConfigError } from '../config/errors.ts';
import type { Config } from '../config/table.ts';
import type { KubeSourceDeps } from './kubernetes/source.ts';
import { createInlineSource } from './inline.ts';
import { createRemoteUrlSource } from './remote-url.ts';
import { createRoutesFileSource } from './routes-file.ts';
import type { RouteSource } from './types.ts';

/** What the composition root hears from the Kubernetes source. */
export type KubernetesHooks = Pick<KubeSourceDeps, 'onCertificates' | 'onConverted' | 'onState' | 'log'>;

/** Creates (does not start) the configured sources. Throws ConfigError for unusable Kubernetes flags. */
export async function routeSourcesFromConfig(c: Config, kube: KubernetesHooks = {}): Promise<RouteSource[]> {
  const out: RouteSource[] = [];
  if (c.routesFile !== '') out.push(createRoutesFileSource(c.routesFile, { maxBytes: c.maxRouteSourceBytes }));
  if (c.inlineRoutes !== '') out.push(createInlineSource(c.inlineRoutes, c.maxRouteSourceBytes));
  for (const url of c.routesUrls) out.push(createRemoteUrlSource(url, { pollTimeoutMs: c.sourcePollTimeout, maxBytes: c.maxRouteSourceBytes }));
  if (c.kubernetes) {
    // Loaded only when used: the Kubernetes client costs tens of MB that a file-routed proxy does not need.
    const [{ kubeOptionsFromConfig }, { createKubernetesSource }] = await Promise.all([
      import('./kubernetes/from-config.ts'), import('./kubernetes/source.ts'),
    ]);
    let opts;
    try {
      opts = kubeOptionsFromConfig(c);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
    out.push(createKubernetesSource(opts, { onCertificates: c.kubernetesEnableTls ? kube.onCertificates : undefined, onConverted: kube.onConverted, onState: kube.onState, log: kube.log }));
  }
  return out;
}
