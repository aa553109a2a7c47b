/**
 * The gossip swarm of one process, assembled from options that map 1:1 to Skipper's flags: membership
 * (static when -swarm-static-self is set, else the Kubernetes pods of the label selector), the libp2p node, the
 * gossip SwarmLimiter, the gossip SwarmLeakyBucket and the SwarmBus. The composition root starts `services` in order and stops them in
 * reverse.
 */
import type { Registry } from 'prom-client';
import type { KubeApi } from '../../src/dataclients/kubernetes/api.ts';
import type { SwarmBus } from '../../src/circuit/ports.ts';
import type { Service } from '../../src/lifecycle/index.ts';
import type { SwarmLeakyBucket, SwarmLimiter } from '../../src/ratelimit/ports.ts';
import { KubeMembership } from '../membership/kube-membership.ts';
import { StaticMembership } from '../membership/static-membership.ts';
import { GossipBus } from './gossip-bus.ts';
import { GossipLeakyBucket } from './gossip-leaky-bucket.ts';
import { GossipLimiter } from './gossip-limiter.ts';
import { GossipNode } from './gossip-node.ts';
import type { Membership } from './membership.ts';
import { createGossipMetrics } from './metrics.ts';

export interface GossipSwarmOptions {
  /** -swarm-port: the gossip listener's port (every Kubernetes member listens on it). */
  port: number;
  /** -swarm-static-self: `host:port`; when set, membership is static. */
  staticSelf: string;
  /** -swarm-static-other: `host:port` list (comma separated string or array). */
  staticOther: readonly string[] | string;
  /** -swarm-namespace. */
  namespace: string;
  /** -swarm-label-selector-key. */
  labelSelectorKey: string;
  /** -swarm-label-selector-value. */
  labelSelectorValue: string;
  /** -swarm-max-msg-buffer, bytes. */
  maxMsgBuffer: number;
  /** -swarm-leave-timeout, ms. */
  leaveTimeoutMs: number;
  /** The Kubernetes API (from the -kubernetes-* flags); required without -swarm-static-self. */
  kubeApi?: KubeApi;
  /** This pod's IP for Kubernetes membership (e.g. the POD_IP downward-API variable). */
  selfHost?: string;
  /** Address to listen on; default the self address's host (static) or all interfaces (Kubernetes). */
  listenHost?: string;
  /** Where the skipjack_swarm_… metrics register. */
  registry?: Registry;
  /** Errors the swarm recovers from by itself (failed dials, dropped reports, API watch errors). */
  onError?: (err: Error) => void;
}

export interface GossipSwarm {
  readonly membership: Membership;
  readonly node: GossipNode;
  readonly limiter: SwarmLimiter & Service;
  /** clusterLeakyBucketRatelimit's buckets, shared over the same node. */
  readonly leakyBucket: SwarmLeakyBucket & Service;
  readonly bus: SwarmBus;
  /** Start in this order, stop in reverse. */
  readonly services: readonly Service[];
}

/** Throws naming the flag when the options cannot form a swarm. */
export function createGossipSwarm(o: GossipSwarmOptions): GossipSwarm {
  if (!(o.port > 0 && o.port < 65536)) throw new Error(`-swarm-port: ${o.port} is not a TCP port`);
  if (!(o.maxMsgBuffer >= 4096)) throw new Error(`-swarm-max-msg-buffer: ${o.maxMsgBuffer} is below 4096 bytes`);
  let membership: Membership;
  let listenHost = o.listenHost;
  if (o.staticSelf !== '') {
    membership = new StaticMembership({ staticSelf: o.staticSelf, staticOther: o.staticOther });
  } else {
    if (!o.kubeApi) throw new Error('-swarm-static-self is empty and no Kubernetes API is configured: the swarm has no membership source');
    membership = new KubeMembership({
      api: o.kubeApi,
      namespace: o.namespace,
      labelSelectorKey: o.labelSelectorKey,
      labelSelectorValue: o.labelSelectorValue,
      port: o.port,
      selfHost: o.selfHost,
      onError: o.onError,
    });
    // A pod listens on its own IP when it is known (several members may share one host in tests), else everywhere.
    listenHost ??= o.selfHost ?? '0.0.0.0';
  }
  const metrics = createGossipMetrics(o.registry);
  const node = new GossipNode({
    membership,
    port: o.staticSelf !== '' ? undefined : o.port,
    listenHost,
    maxMsgBuffer: o.maxMsgBuffer,
    leaveTimeoutMs: o.leaveTimeoutMs,
    metrics,
    onError: o.onError,
  });
  const limiter = new GossipLimiter({ node, maxMsgBuffer: o.maxMsgBuffer, onError: o.onError });
  const leakyBucket = new GossipLeakyBucket({ node, maxMsgBuffer: o.maxMsgBuffer, onError: o.onError });
  return { membership, node, limiter, leakyBucket, bus: new GossipBus(node), services: [membership, node, limiter, leakyBucket] };
}
