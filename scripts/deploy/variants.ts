/**
 * The one source of deploy/: every template, the values each kustomize variant stands for, and the render
 * of a variant. The Helm chart prints the same templates (toHelm), so chart and manifests cannot drift.
 */
import { readFileSync } from 'node:fs';
import { render, type Node } from './template.ts';
import { ingressTemplates } from './chart-ingress.ts';
import { extraTemplates, helmOnlyTemplates } from './chart-extras.ts';
import { defaultValues, type Values } from './values.ts';

export const ROOT = new URL('../../', import.meta.url);

export const appVersion: string = (JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string }).version;

/** Every chart template file, in a stable order. */
export const templates: Record<string, Node[]> = { ...ingressTemplates, ...extraTemplates, ...helmOnlyTemplates };

/** The templates kustomize renders (no Helm hooks). */
export const kustomizeTemplates: Record<string, Node[]> = { ...ingressTemplates, ...extraTemplates };

type DeepPartial<T> = { [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type ValueOverrides = DeepPartial<Values>;

/** Values with overrides merged in (maps deeply, lists replaced), as `helm --values` merges. */
export function withValues(overrides: ValueOverrides = {}, base: unknown = defaultValues): Values {
  const out = structuredClone(base) as Record<string, unknown>;
  for (const [k, v] of Object.entries(overrides)) {
    const cur = out[k];
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) && cur !== null && typeof cur === 'object' && !Array.isArray(cur)
      ? withValues(v as ValueOverrides, cur)
      : structuredClone(v);
  }
  return out as Values;
}

export interface Release {
  name: string;
  namespace: string;
  service: string;
}

/** The kustomize manifests are the chart rendered for this release: Skipper's names and namespace. */
export const KUSTOMIZE_RELEASE: Release = { name: 'skipjack-ingress', namespace: 'kube-system', service: 'kustomize' };

/** The objects the chart renders to with these values, as `helm template` would print them (hooks included). */
export function renderChart(values: Values, release: Release, files: Record<string, Node[]> = templates): Record<string, unknown>[] {
  const ctx = { Values: values, Release: { Name: release.name, Namespace: release.namespace, Service: release.service }, Chart: { AppVersion: appVersion } };
  return Object.values(files).flatMap((docs) => render(docs, ctx));
}

/** A kustomize overlay: its directory under deploy/kustomize/overlays, what it is for, and the values it stands for. */
export interface Variant {
  readonly name: string;
  readonly about: string;
  readonly values: ValueOverrides;
}

export const kustomizeBaseValues: ValueOverrides = { image: { tag: appVersion } };

export const variants: readonly Variant[] = [
  { name: 'deployment-hpa', about: 'a Deployment scaled by a HorizontalPodAutoscaler on CPU', values: { autoscaling: { enabled: true } } },
  {
    name: 'daemonset-hostnetwork',
    about: 'a DaemonSet on every node\'s network with hostPort 9999, as Skipper\'s daemonset deployment (needs a privileged namespace)',
    values: { kind: 'DaemonSet', hostNetwork: true },
  },
  { name: 'routesrv', about: 'skipjack-routesrv watches the API; the proxies poll it with -routes-urls', values: { routesrv: { enabled: true } } },
  {
    name: 'swarm-redis',
    about: 'Redis shards for the swarm; skipjack runs with -enable-swarm -enable-ratelimits and finds them with -kubernetes-redis-service-*',
    values: { redis: { enabled: true } },
  },
  {
    name: 'validation-webhook',
    about: 'the validation webhook on the ingress pods and its ValidatingWebhookConfiguration (Secret skipjack-ingress-webhook-tls holds the certificate)',
    values: { webhook: { enabled: true } },
  },
  {
    name: 'kubernetes-tls',
    about: '-kubernetes-enable-tls: certificates from the Secrets named in Ingress spec.tls, with read access to Secrets',
    values: { kubernetesEnableTls: true },
  },
];

export function kustomizeValues(v: ValueOverrides = {}): Values {
  return withValues(v, withValues(kustomizeBaseValues));
}
