/**
 * The object store behind the test Kubernetes API server: objects keyed by resource, namespace and name, one
 * cluster-wide resourceVersion counter, and an event history that watches replay from and that can be
 * compacted so that old resourceVersions answer 410 Gone, as etcd compaction does.
 */
import type { KubeObject } from '../../src/dataclients/kubernetes/convert/types.ts';

/** The resources the data client reads, by plural name, with the kind and list apiVersion they serve. */
export const RESOURCES = {
  services: { kind: 'Service', apiVersion: 'v1' },
  endpoints: { kind: 'Endpoints', apiVersion: 'v1' },
  secrets: { kind: 'Secret', apiVersion: 'v1' },
  ingresses: { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1' },
  endpointslices: { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1' },
  routegroups: { kind: 'RouteGroup', apiVersion: 'zalando.org/v1' },
  pods: { kind: 'Pod', apiVersion: 'v1' },
} as const;

export type ResourceName = keyof typeof RESOURCES;

const resourceByKind = new Map<string, ResourceName>(
  Object.entries(RESOURCES).map(([plural, r]) => [r.kind, plural as ResourceName]),
);

/** The plural resource name serving `kind`, or undefined for kinds the data client never reads. */
export function resourceOf(kind: string): ResourceName | undefined {
  return resourceByKind.get(kind);
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  rv: number;
  resource: ResourceName;
  type: WatchEventType;
  object: KubeObject;
  /** The object before a MODIFIED event, to turn selector transitions into ADDED/DELETED. */
  previous?: KubeObject;
}

/** One requirement of a label selector: `k=v`, `k==v`, `k!=v`, `k` or `!k`. */
interface Requirement {
  key: string;
  op: '=' | '!=' | 'exists' | '!exists';
  value: string;
}

/** A compiled label selector; an empty selector matches everything. */
export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/** Parses the equality-based label selector syntax of the Kubernetes API. */
export function parseLabelSelector(sel: string | null): LabelMatcher {
  if (!sel) return () => true;
  const reqs: Requirement[] = sel.split(',').map((part) => {
    const p = part.trim();
    let m = /^([^!=]+)!=(.*)$/.exec(p);
    if (m) return { key: m[1]!.trim(), op: '!=', value: m[2]!.trim() };
    m = /^([^!=]+)==?(.*)$/.exec(p);
    if (m) return { key: m[1]!.trim(), op: '=', value: m[2]!.trim() };
    if (p.startsWith('!')) return { key: p.slice(1).trim(), op: '!exists', value: '' };
    return { key: p, op: 'exists', value: '' };
  });
  return (labels) =>
    reqs.every((r) => {
      const v = labels?.[r.key];
      switch (r.op) {
        case '=':
          return v === r.value;
        case '!=':
          return v !== r.value;
        case 'exists':
          return v !== undefined;
        case '!exists':
          return v === undefined;
      }
    });
}

export class KubeStore {
  #rv = 1;
  #uid = 0;
  readonly #objects = new Map<ResourceName, Map<string, KubeObject>>();
  #history: StoredEvent[] = [];
  /** Watches from a resourceVersion below this answer 410 Gone. */
  #oldestRV = 1;
  readonly #listeners = new Set<(e: StoredEvent) => void>();

  get resourceVersion(): number {
    return this.#rv;
  }

  /** Creates or replaces an object; returns false for kinds the API does not serve (they are ignored). */
  apply(input: KubeObject): boolean {
    const resource = resourceOf(input.kind);
    if (resource === undefined) return false;
    const obj = structuredClone(input);
    obj.metadata.namespace ||= 'default';
    const byKey = this.#bucket(resource);
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const previous = byKey.get(key);
    obj.metadata.uid = previous?.metadata.uid ?? `uid-${++this.#uid}`;
    obj.metadata.resourceVersion = String(++this.#rv);
    byKey.set(key, obj);
    this.#emit({ rv: this.#rv, resource, type: previous ? 'MODIFIED' : 'ADDED', object: obj, previous });
    return true;
  }

  /** Deletes an object; returns whether it existed. */
  delete(kind: string, namespace: string, name: string): boolean {
    const resource = resourceOf(kind);
    if (resource === undefined) return false;
    const byKey = this.#bucket(resource);
    const key = `${namespace}/${name}`;
    const old = byKey.get(key);
    if (!old) return false;
    byKey.delete(key);
    const obj = structuredClone(old);
    obj.metadata.resourceVersion = String(++this.#rv);
    this.#emit({ rv: this.#rv, resource, type: 'DELETED', object: obj });
    return true;
  }

  /** The objects of a resource in one namespace (or all), matching the selector, in creation order. */
  list(resource: ResourceName, namespace: string | undefined, match: LabelMatcher): KubeObject[] {
    const out: KubeObject[] = [];
    for (const o of this.#bucket(resource).values()) {
      if ((namespace === undefined || o.metadata.namespace === namespace) && match(o.metadata.labels)) out.push(o);
    }
    return out;
  }

  get(resource: ResourceName, namespace: string, name: string): KubeObject | undefined {
    return this.#bucket(resource).get(`${namespace}/${name}`);
  }

  /** Forgets the history up to now: every watch from an earlier resourceVersion gets 410 Gone. */
  compact(): void {
    this.#history = [];
    this.#oldestRV = this.#rv;
  }

  /** Events after `rv`, or undefined when `rv` is older than the compacted history (410 Gone). */
  since(rv: number): StoredEvent[] | undefined {
    if (rv < this.#oldestRV) return undefined;
    return this.#history.filter((e) => e.rv > rv);
  }

  subscribe(fn: (e: StoredEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #bucket(resource: ResourceName): Map<string, KubeObject> {
    let m = this.#objects.get(resource);
    if (!m) this.#objects.set(resource, (m = new Map()));
    return m;
  }

  #emit(e: StoredEvent): void {
    this.#history.push(e);
    for (const fn of this.#listeners) fn(e);
  }
}
