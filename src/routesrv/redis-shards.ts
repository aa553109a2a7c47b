/**
 * The Redis shard list skipjack instances poll from the route server (Skipper's `/swarm/redis/shards`): the
 * ready addresses of one Service's Endpoints or EndpointSlices, taken from the watched cluster state.
 */
import type { ClusterState } from '../dataclients/kubernetes/convert/index.ts';

export interface RedisServiceRef {
  namespace: string;
  name: string;
  /** Only addresses on this port; 0 for every port. */
  port: number;
}

export interface RedisShards {
  endpoints: { address: string }[];
}

/** `ip:port` of every ready endpoint of the service, sorted; empty when the service is unknown or unset. */
export function redisShards(state: ClusterState | undefined, ref: RedisServiceRef | undefined): RedisShards {
  if (!state || !ref || ref.name === '') return { endpoints: [] };
  const out = new Set<string>();
  const portOk = (p: unknown) => typeof p === 'number' && (ref.port === 0 || p === ref.port);
  for (const ep of state.endpoints) {
    if (ep.metadata.namespace !== ref.namespace || ep.metadata.name !== ref.name) continue;
    for (const s of (ep.subsets ?? []) as { addresses?: { ip?: string }[]; ports?: { port?: number }[] }[]) {
      for (const a of s.addresses ?? []) for (const p of s.ports ?? []) if (a.ip && portOk(p.port)) out.add(`${a.ip}:${p.port}`);
    }
  }
  for (const sl of state.endpointSlices) {
    if (sl.metadata.namespace !== ref.namespace || sl.metadata.labels?.['kubernetes.io/service-name'] !== ref.name) continue;
    const ports = ((sl.ports ?? []) as { port?: number }[]).filter((p) => portOk(p.port));
    for (const e of (sl.endpoints ?? []) as { addresses?: string[]; conditions?: { ready?: boolean } }[]) {
      if (e.conditions?.ready === false) continue;
      for (const a of e.addresses ?? []) for (const p of ports) out.add(`${a}:${p.port}`);
    }
  }
  return { endpoints: [...out].sort().map((address) => ({ address })) };
}
