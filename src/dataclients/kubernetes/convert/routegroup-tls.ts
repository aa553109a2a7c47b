/**
 * The `tls` sections of a RouteGroup: each names a Secret (in the group's namespace) whose certificate is
 * served by SNI for the listed hosts that the group also routes.
 */
import type { RgTLSSpec } from './routegroup-spec.ts';
import type { KubeLogger, KubeObject } from './types.ts';

/**
 * Registers the certificate of a Secret for hosts; provided by the conversion core, which parses the PEM
 * data and logs on failure. `obj` names the object for those log lines.
 */
export type AddCertificate = (hosts: string[], secret: KubeObject, obj: { kind: string; namespace: string; name: string }) => void;

/** Go's `%s` of a []string. */
function goList(list: readonly string[]): string {
  return `[${list.join(' ')}]`;
}

/**
 * Applies one `tls` section: only hosts the RouteGroup lists are served, a mismatch is logged, a missing
 * Secret is logged; nothing here drops routes.
 */
export function addRouteGroupTLS(
  tls: RgTLSSpec,
  group: { namespace: string; name: string; hosts: readonly string[] },
  secrets: ReadonlyMap<string, KubeObject>,
  addCertificate: AddCertificate,
  log: KubeLogger,
): void {
  const fields = { kind: 'RouteGroup', ns: group.namespace, name: group.name };
  const hosts = tls.hosts.filter((h) => group.hosts.includes(h));
  if (hosts.length === 0) {
    log({ level: 'error', msg: `No matching tls hosts found - tls hosts: ${goList(tls.hosts)}, routegroup hosts: ${goList(group.hosts)}`, ...fields });
    return;
  }
  if (hosts.length !== tls.hosts.length) {
    log({ level: 'info', msg: `Hosts in TLS and RouteGroup don't match: tls hosts: ${goList(tls.hosts)}, routegroup hosts: ${goList(group.hosts)}`, ...fields });
  }
  if (tls.secretName === '') {
    log({ level: 'debug', msg: `No tls secret defined for hosts - ${goList(tls.hosts)}`, ...fields });
    return;
  }
  const secret = secrets.get(`${group.namespace}/${tls.secretName}`);
  if (secret === undefined) {
    log({ level: 'error', msg: `Failed to find secret ${tls.secretName} in namespace ${group.namespace}`, ...fields });
    return;
  }
  addCertificate(hosts, secret, { kind: 'RouteGroup', namespace: group.namespace, name: group.name });
}
