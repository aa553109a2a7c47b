/**
 * The `tls` sections of a RouteGroup: each names a Secret (in the group's namespace) whose certificate is
 * served by SNI for the listed hosts that the group also routes. Nothing here drops routes.
 */
import type { RgTLSSpec } from './routegroup-spec.ts';
import { certificateFromSecret, goStringList, matchingTLSHosts } from './tls.ts';
import type { KubeLogger, KubeObject, TLSCertificate } from './types.ts';

/** One RouteGroup as its TLS sections need it. */
export interface TLSGroup {
  namespace: string;
  name: string;
  /** The group's unique hosts. */
  hosts: readonly string[];
}

/**
 * Applies one `tls` section: collects the certificate into `out`, logging (as Skipper does) hosts that the
 * group does not route, a missing Secret, or a Secret that holds no usable certificate.
 */
export function addRouteGroupTLS(tls: RgTLSSpec, group: TLSGroup, secrets: ReadonlyMap<string, KubeObject>, out: TLSCertificate[], log: KubeLogger): void {
  const fields = { kind: 'RouteGroup', ns: group.namespace, name: group.name };
  const hosts = matchingTLSHosts(tls.hosts, group.hosts);
  if (hosts.length === 0) {
    log({ level: 'error', msg: `No matching tls hosts found - tls hosts: ${goStringList(tls.hosts)}, routegroup hosts: ${goStringList(group.hosts)}`, ...fields });
    return;
  }
  if (hosts.length !== tls.hosts.length) {
    log({ level: 'info', msg: `Hosts in TLS and RouteGroup don't match: tls hosts: ${goStringList(tls.hosts)}, routegroup hosts: ${goStringList(group.hosts)}`, ...fields });
  }
  if (tls.secretName === '') {
    log({ level: 'debug', msg: `No tls secret defined for hosts - ${goStringList(tls.hosts)}`, ...fields });
    return;
  }
  const secret = secrets.get(`${group.namespace}/${tls.secretName}`);
  if (secret === undefined) {
    log({ level: 'error', msg: `Failed to find secret ${tls.secretName} in namespace ${group.namespace}`, ...fields });
    return;
  }
  const cert = certificateFromSecret(secret, hosts);
  if (cert instanceof Error) {
    log({ level: 'error', msg: `Failed to generate TLS certificate from secret: ${cert.message}`, ...fields });
    return;
  }
  for (const h of hosts) log({ level: 'info', msg: `adding certificate to registry - ${h}` });
  out.push(cert);
}
