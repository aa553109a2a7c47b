/**
 * Input and output of the Kubernetes-to-routes conversion: a pure function of the cluster state and the
 * options, shared by the live data client, `skipjack-eskip kube-render` and the conformance runner.
 */
import type { RouteListChange } from '../../types.ts';
import type { RouteDef } from '../../../eskip/index.ts';

/** Any Kubernetes object as decoded from JSON/YAML. Namespace is always set ("default" when absent). */
export interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    uid?: string;
    resourceVersion?: string;
    [k: string]: unknown;
  };
  spec?: any;
  [k: string]: any;
}

/** Everything the conversion reads, as listed from the API (already filtered by label selectors and namespace). */
export interface ClusterState {
  ingresses: KubeObject[];
  routeGroups: KubeObject[];
  services: KubeObject[];
  /** Used unless options.enableEndpointSlices. */
  endpoints: KubeObject[];
  /** Used when options.enableEndpointSlices. */
  endpointSlices: KubeObject[];
  /** Only loaded when options.enableTLS. */
  secrets: KubeObject[];
}

/** One log line of the conversion; the conformance runner renders it as Skipper's logrus text. */
export interface KubeLogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  kind?: string;
  ns?: string;
  name?: string;
}

export type KubeLogger = (e: KubeLogEntry) => void;

/** A certificate to serve by SNI, from a Secret referenced by an Ingress or RouteGroup `tls` section. */
export interface TLSCertificate {
  hosts: string[];
  secretNamespace: string;
  secretName: string;
  /** PEM. */
  cert: string;
  /** PEM. */
  key: string;
}

export interface ConversionResult {
  routes: RouteDef[];
  certificates: TLSCertificate[];
  /** How `routes` differs from the previous result (the incremental converter, when it knows). */
  change?: RouteListChange;
}
