/**
 * The lookups of the incremental converter (services, endpoints, endpoint slices by service, secrets, default
 * filter files), kept between runs and patched with the objects that changed; each patch names the dependency
 * keys whose value changed.
 */
import type { KubeOptions } from '../options.ts';
import { keyOf, TrackedCollection } from './collection-diff.ts';
import type { ContextLookups, DependencyTracker, SharedContext } from './context.ts';
import { emptyLookups } from './context.ts';
import { depKey } from './dependency-index.ts';
import { sliceServiceKey } from './endpoints.ts';
import { readServiceCached } from './services.ts';
import type { ClusterState, KubeObject } from './types.ts';

export class PatchedLookups {
  readonly #o: KubeOptions;
  readonly lookups: ContextLookups;
  /** Services without a valid spec: while any is listed, every run logs "Invalid service resource detected.". */
  readonly invalidServices = new Set<KubeObject>();
  readonly #services = new TrackedCollection();
  readonly #endpoints = new TrackedCollection();
  readonly #slices = new TrackedCollection();
  readonly #secrets = new TrackedCollection();
  readonly #sliceKeys = new WeakMap<KubeObject, string | undefined>();
  #defaultFilterTexts = new Map<string, string>();

  constructor(o: KubeOptions, track: DependencyTracker) {
    this.#o = o;
    this.lookups = emptyLookups(track);
  }

  /** Patches the lookups with the changed objects of `state`; adds the changed dependency keys to `dirty`. */
  update(state: ClusterState, dirty: Set<string>): void {
    const l = this.lookups;
    const svc = this.#services.diff(state.services);
    for (const o of svc.removed) {
      const k = keyOf(o);
      this.invalidServices.delete(o);
      if (l.rawServices.get(k) === o) {
        l.rawServices.delete(k);
        l.services.delete(k);
      }
      dirty.add(depKey('service', k));
    }
    for (const o of svc.added) {
      const k = keyOf(o);
      l.rawServices.set(k, o);
      const parsed = readServiceCached(o);
      if (parsed === undefined) {
        this.invalidServices.add(o);
        l.services.delete(k);
      } else l.services.set(k, parsed);
      dirty.add(depKey('service', k));
    }

    if (this.#o.enableTLS) {
      const sec = this.#secrets.diff(state.secrets);
      for (const o of sec.removed) {
        const k = keyOf(o);
        // The plain get: a tracking map's get would record the lookup as somebody's dependency.
        if (Map.prototype.get.call(l.secrets, k) === o) l.secrets.delete(k);
        dirty.add(depKey('secret', k));
      }
      for (const o of sec.added) {
        l.secrets.set(keyOf(o), o);
        dirty.add(depKey('secret', keyOf(o)));
      }
    }

    if (!this.#o.enableEndpointSlices) {
      const eps = this.#endpoints.diff(state.endpoints);
      for (const o of eps.removed) {
        const k = keyOf(o);
        if (l.endpoints.get(k) === o) l.endpoints.delete(k);
        dirty.add(depKey('endpoints', k));
      }
      for (const o of eps.added) {
        l.endpoints.set(keyOf(o), o);
        dirty.add(depKey('endpoints', keyOf(o)));
      }
    } else this.#updateSlices(state, dirty);
  }

  #updateSlices(state: ClusterState, dirty: Set<string>): void {
    const l = this.lookups;
    const sl = this.#slices.diff(state.endpointSlices);
    const services = new Set<string>();
    const serviceOf = (o: KubeObject): string | undefined => {
      if (!this.#sliceKeys.has(o)) this.#sliceKeys.set(o, sliceServiceKey(o));
      return this.#sliceKeys.get(o);
    };
    for (const o of [...sl.removed, ...sl.added]) {
      const k = serviceOf(o);
      if (k !== undefined) services.add(k);
    }
    if (services.size === 0) return;
    // The slices of a service are merged in state order (the last one's ports win): regroup in that order.
    for (const k of services) {
      l.slices.delete(k);
      dirty.add(depKey('endpoints', k));
    }
    for (const o of state.endpointSlices) {
      const k = serviceOf(o);
      if (k === undefined || !services.has(k)) continue;
      let list = l.slices.get(k);
      if (list === undefined) l.slices.set(k, (list = []));
      list.push(o);
    }
  }

  /** Compares the default filter files with the previous run's; adds the changed ones to `dirty`. */
  updateDefaultFilters(ctx: SharedContext, dirty: Set<string>): void {
    const now = new Map(ctx.defaultFilters.texts());
    for (const [k, t] of now) if (this.#defaultFilterTexts.get(k) !== t) dirty.add(depKey('default-filters', k));
    for (const k of this.#defaultFilterTexts.keys()) if (!now.has(k)) dirty.add(depKey('default-filters', k));
    this.#defaultFilterTexts = now;
  }
}
