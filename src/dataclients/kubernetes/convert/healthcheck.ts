/** The `/kube-system/healthz` routes of `-kubernetes-healthcheck`, answered for internal source addresses only. */
import type { RouteDef } from '../../../eskip/index.ts';

/** Private and loopback ranges, as Skipper's internal IPs; `-whitelisted-healthcheck-cidr` adds to them. */
export const internalCIDRs: readonly string[] = ['10.0.0.0/8', '192.168.0.0/16', '172.16.0.0/12', '127.0.0.1/8', 'fd00::/8', '::1/128'];

export const healthcheckPath = '/kube-system/healthz';

/**
 * `kube__healthz_up` (200) and `kube__healthz_down` (503 once the process is shutting down). The access log
 * of the healthy answer is disabled unless debug logging is on.
 */
export function healthcheckRoutes(whitelisted: readonly string[], reverseSource = false, accessLog = false): RouteDef[] {
  const source = { name: reverseSource ? 'SourceFromLast' : 'Source', args: [...internalCIDRs, ...whitelisted] };
  const path = { name: 'Path', args: [healthcheckPath] };
  return [
    {
      id: 'kube__healthz_up',
      predicates: [path, source],
      filters: [...(accessLog ? [] : [{ name: 'disableAccessLog', args: [200] }]), { name: 'status', args: [200] }],
      backendType: 'shunt',
    },
    {
      id: 'kube__healthz_down',
      predicates: [{ ...path }, { ...source, args: [...source.args] }, { name: 'Shutdown', args: [] }],
      filters: [{ name: 'status', args: [503] }],
      backendType: 'shunt',
    },
  ];
}
