/**
 * The synthetic cluster of the Kubernetes benchmarks: `ings` Ingresses and `rgs` RouteGroups over one Service
 * (with Endpoints of two addresses) per four of them, spread over 50 namespaces.
 */
import type { KubeObject } from '../../src/dataclients/kubernetes/convert/types.ts';
import { endpoints, ingress, routeGroup, service } from '../../test/support/kube-objects.ts';

export function cluster(ings: number, rgs: number): KubeObject[] {
  const services = Math.ceil((ings + rgs) / 4);
  const out: KubeObject[] = [];
  for (let s = 0; s < services; s++) {
    const ns = `team${s % 50}`;
    out.push(service(`svc${s}`, ns), endpoints(`svc${s}`, [`10.${(s >> 8) & 255}.${s & 255}.1`, `10.${(s >> 8) & 255}.${s & 255}.2`], ns));
  }
  for (let i = 0; i < ings; i++) {
    const s = i % services;
    out.push(ingress(`ing${i}`, { ns: `team${s % 50}`, host: `app${i}.example.org`, path: '/api', service: `svc${s}` }));
  }
  for (let r = 0; r < rgs; r++) {
    const s = (ings + r) % services;
    out.push(routeGroup(`rg${r}`, `rg${r}.example.org`, `svc${s}`, `team${s % 50}`));
  }
  return out;
}
