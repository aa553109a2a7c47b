/**
 * Kubernetes membership: the ready pods matching `-swarm-label-selector-key=-swarm-label-selector-value` in
 * `-swarm-namespace`, kept by a list/watch reflector (the data client's), so a pod that turns unready or is
 * deleted leaves at the watch event, not at the next poll. A member is `podIP:-swarm-port`.
 */
import { networkInterfaces } from 'node:os';
import type { KubeApi } from '../../src/dataclients/kubernetes/api.ts';
import type { KubeObject } from '../../src/dataclients/kubernetes/convert/index.ts';
import { Reflector, type Backoff } from '../../src/dataclients/kubernetes/reflector.ts';
import { memberId, type MemberId, type Membership } from '../gossip/membership.ts';

/** Options named after Skipper's flags. */
export interface KubeMembershipOptions {
  /** The API client (built from the -kubernetes-* flags). */
  api: KubeApi;
  /** -swarm-namespace. */
  namespace: string;
  /** -swarm-label-selector-key. */
  labelSelectorKey: string;
  /** -swarm-label-selector-value. */
  labelSelectorValue: string;
  /** -swarm-port: every pod's gossip port. */
  port: number;
  /** This pod's IP (e.g. from the POD_IP downward-API variable); default: the first non-internal IPv4. */
  selfHost?: string;
  /** Re-list/watch back-off while the API is away. */
  backoff?: Backoff;
  /** Failed lists and watches (the reflector retries by itself). */
  onError?: (err: Error) => void;
}

export class KubeMembership implements Membership {
  readonly name = 'swarm-membership-kubernetes';
  readonly self: MemberId;
  readonly acceptsUnlisted = false;
  readonly #o: KubeMembershipOptions;
  readonly #reflector: Reflector;
  readonly #listeners = new Set<(m: readonly MemberId[]) => void>();
  #members: readonly MemberId[];
  #started = false;

  constructor(o: KubeMembershipOptions) {
    this.#o = o;
    this.self = memberId(o.selfHost ?? firstIPv4(), o.port);
    this.#members = [this.self];
    this.#reflector = new Reflector({
      api: o.api,
      path: `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/pods`,
      labelSelector: `${o.labelSelectorKey}=${o.labelSelectorValue}`,
      backoff: o.backoff,
      onChange: () => this.#update(),
      onError: (err) => o.onError?.(err),
    });
  }

  /** Lists the pods once (rejecting with the API error) and then watches them until stop(). */
  async start(): Promise<void> {
    await this.#reflector.list();
    this.#update();
    this.#reflector.run();
    this.#started = true;
  }

  async stop(): Promise<void> {
    this.#started = false;
    this.#reflector.stop();
  }

  ready(): boolean {
    return this.#started;
  }

  members(): readonly MemberId[] {
    return this.#members;
  }

  onChange(listener: (members: readonly MemberId[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #update(): void {
    const ids = new Set<MemberId>([this.self]);
    for (const pod of this.#reflector.items()) {
      const ip = readyIP(pod);
      if (ip !== undefined) ids.add(memberId(ip, this.#o.port));
    }
    const next = [...ids].sort();
    if (next.length === this.#members.length && next.every((m, i) => m === this.#members[i])) return;
    this.#members = Object.freeze(next);
    for (const l of this.#listeners) l(this.#members);
  }
}

/** The pod's IP when it is running, Ready and not being deleted (a terminating pod leaves at once). */
function readyIP(pod: KubeObject): string | undefined {
  const p = pod as KubeObject & { status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] } };
  if ((p.metadata as { deletionTimestamp?: string }).deletionTimestamp) return undefined;
  const s = p.status;
  if (!s?.podIP || (s.phase !== undefined && s.phase !== 'Running')) return undefined;
  return s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? s.podIP : undefined;
}

function firstIPv4(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
