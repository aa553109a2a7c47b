/** Gossip swarms of real libp2p nodes on 127.0.0.1 for tests and benchmarks. */
import { GossipNode, type GossipNodeOptions } from '../../swarm/gossip/gossip-node.ts';
import { StaticMembership } from '../../swarm/membership/static-membership.ts';
import { freePorts } from './ports.ts';

export { freePorts } from './ports.ts';

export type NodeOverrides = Partial<Omit<GossipNodeOptions, 'membership'>>;

/** A gossip node whose static membership is `self` plus `others` (addresses `127.0.0.1:port`). */
export function staticNode(self: string, others: string[], o: NodeOverrides = {}): GossipNode {
  const membership = new StaticMembership({ staticSelf: self, staticOther: others.filter((a) => a !== self) });
  // A long TTL: on a loaded machine event-loop stalls of a second or more must not make members flap; the
  // tests of departures use goodbyes, membership changes or SIGKILLed processes with the default TTL.
  return new GossipNode({ membership, maxMsgBuffer: 4 << 20, leaveTimeoutMs: 1000, helloIntervalMs: 250, liveTtlMs: 8000, ...o });
}

/** Addresses of `n` free loopback ports. */
export async function loopbackAddresses(n: number): Promise<string[]> {
  return (await freePorts(n)).map((p) => `127.0.0.1:${p}`);
}
