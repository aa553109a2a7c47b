/**
 * A ClusterState from manifests, selected as the API would serve them to the data client (namespace scope,
 * label selectors) and ordered as the reflectors order them, for offline rendering (`kube-render`).
 */
import type { ClusterState, KubeObject } from './convert/index.ts';
import type { KubeOptions } from './options.ts';

function matches(labels: Record<string, string> | undefined, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  const x = `${a.metadata.namespace}/${a.metadata.name}`;
  const y = `${b.metadata.namespace}/${b.metadata.name}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Later objects with the same kind, namespace and name replace earlier ones, as `kubectl apply` would. */
export function stateFromObjects(objects: readonly KubeObject[], opts: KubeOptions): ClusterState {
  const latest = new Map<string, KubeObject>();
  for (const o of objects) latest.set(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o);
  const pick = (kind: string, selector: Record<string, string> = {}): KubeObject[] =>
    [...latest.values()]
      .filter((o) => o.kind === kind && (opts.namespace === '' || o.metadata.namespace === opts.namespace))
      .filter((o) => matches(o.metadata.labels, selector))
      .sort(byNamespaceAndName);
  return {
    ingresses: pick('Ingress', opts.ingressLabelSelectors),
    routeGroups: pick('RouteGroup', opts.routeGroupsLabelSelectors),
    services: pick('Service', opts.servicesLabelSelectors),
    endpoints: opts.enableEndpointSlices ? [] : pick('Endpoints', opts.endpointsLabelSelectors),
    endpointSlices: opts.enableEndpointSlices ? pick('EndpointSlice', opts.endpointSlicesLabelSelectors) : [],
    secrets: opts.enableTLS ? pick('Secret') : [],
  };
}
