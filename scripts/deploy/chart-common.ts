/** Names, labels and pod pieces shared by every component of the chart. */
import { ifStr, ref, str, yaml, yamlIfAny, type Node, type Ref, type Str } from './template.ts';

export const V = (path: string): Ref => ref(`Values.${path}`);
export const NAME = ref('Release.Name');
export const NS = ref('Release.Namespace');

/** `<release>-<suffix>`, or the release name itself. */
export const named = (suffix: string): Str | Ref => (suffix === '' ? NAME : str`${NAME}-${suffix}`);

/** Cluster DNS name of a Service of this release. */
export const serviceHost = (suffix: string): Str => str`${NAME}-${suffix}.${NS}.svc.cluster.local`;

/** Selector labels: `application` is Skipper's label (its swarm and dashboards select on it). */
export const selector = (suffix: string): Node => ({ application: named(suffix) });

export function labels(suffix: string, component: string): Node {
  return {
    application: named(suffix),
    'app.kubernetes.io/name': 'skipjack',
    'app.kubernetes.io/instance': NAME,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': ref('Release.Service'),
  };
}

export const metadata = (suffix: string, component: string, extra: Record<string, Node> = {}): Node => ({
  name: named(suffix),
  namespace: NS,
  labels: labels(suffix, component),
  ...extra,
});

/** The service account every skipjack pod of the release runs as. */
export const serviceAccountName = ref('Values.serviceAccount.name', 'Release.Name');

/** Pod-level scheduling and security values shared by all components (each passes its own values prefix). */
export function podScheduling(prefix: string): Record<string, Node> {
  return {
    nodeSelector: yamlIfAny(`Values.${prefix}nodeSelector`),
    tolerations: yamlIfAny(`Values.${prefix}tolerations`),
    affinity: yamlIfAny(`Values.${prefix}affinity`),
    topologySpreadConstraints: yamlIfAny(`Values.${prefix}topologySpreadConstraints`),
    priorityClassName: yamlIfAny(`Values.${prefix}priorityClassName`),
    imagePullSecrets: yamlIfAny('Values.imagePullSecrets'),
  };
}

/** The skipjack image: by digest when one is given, else by tag (the chart's appVersion when the tag is empty). */
export const skipjackImage = str`${V('image.repository')}${ifStr('Values.image.digest', ['@', V('image.digest')], [':', ref('Values.image.tag', 'Chart.AppVersion')])}`;

export const securityContexts = {
  pod: yaml('Values.podSecurityContext'),
  container: yaml('Values.securityContext'),
};

export const tmpVolume = { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } } as const;
export const tmpMount = { name: 'tmp', mountPath: '/tmp' } as const;
