/**
 * The incremental converter's dependency index: every lookup an Ingress or RouteGroup conversion made
 * (`kind/namespace/name` of a Service, Endpoints, EndpointSlices of a service, Secret or default filter file)
 * maps to the objects whose conversion read it, so a changed lookup converts exactly those again.
 */
import type { DependencyKind } from './context.ts';
import type { KubeLogEntry } from './types.ts';

/** What one converted Ingress or RouteGroup read. */
export interface Dependent {
  deps: string[];
}

/** The index key of one lookup. */
export const depKey = (kind: DependencyKind, key: string): string => `${kind}\0${key}`;

export class DependencyIndex<O extends Dependent> {
  readonly #dependents = new Map<string, Set<O>>();

  add(owner: O): void {
    for (const d of owner.deps) {
      let set = this.#dependents.get(d);
      if (set === undefined) this.#dependents.set(d, (set = new Set()));
      set.add(owner);
    }
  }

  remove(owner: O): void {
    for (const d of owner.deps) {
      const set = this.#dependents.get(d);
      set?.delete(owner);
      if (set?.size === 0) this.#dependents.delete(d);
    }
  }

  /** The owners that read any of `keys`. */
  dependentsOf(keys: Iterable<string>): Set<O> {
    const out = new Set<O>();
    for (const k of keys) for (const owner of this.#dependents.get(k) ?? []) out.add(owner);
    return out;
  }
}

/**
 * Records the lookups and captures the log lines of one object's conversion. `track` and `log` are handed to
 * the lookups and conversions once; they only record while {@link record} runs.
 */
export class ConversionRecorder {
  #recording: Set<string> | undefined;
  readonly #set = new Set<string>();
  #capture: KubeLogEntry[] = [];

  readonly track = (kind: DependencyKind, key: string): void => {
    this.#recording?.add(depKey(kind, key));
  };

  readonly log = (l: KubeLogEntry): void => {
    this.#capture.push(l);
  };

  /** Log lines captured outside {@link record} (the shared context's), taken out. */
  drain(): KubeLogEntry[] {
    return this.#capture.splice(0);
  }

  record<T>(compute: () => T): { value: T; deps: string[]; logs: KubeLogEntry[] } {
    this.#recording = this.#set;
    this.#capture = [];
    try {
      const value = compute();
      return { value, deps: [...this.#set], logs: this.#capture };
    } finally {
      this.#set.clear();
      this.#recording = undefined;
      this.#capture = [];
    }
  }
}
