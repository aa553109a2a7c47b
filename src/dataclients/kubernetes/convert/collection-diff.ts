/** What changed in one collection of the cluster state between two conversions, by object identity. */
import type { KubeObject } from './types.ts';

/** `<namespace>/<name>`. */
export const keyOf = (o: KubeObject): string => `${o.metadata.namespace}/${o.metadata.name}`;

/** What changed between two snapshots of one collection: objects that came, objects that went. */
export interface CollectionChange {
  /** The snapshot this one follows. */
  readonly from: readonly KubeObject[];
  readonly added: readonly KubeObject[];
  readonly removed: readonly KubeObject[];
}

/** Snapshot → what changed since the snapshot before it, as the watch layer recorded it from its events. */
const changes = new WeakMap<readonly KubeObject[], CollectionChange>();

/**
 * Records that snapshot `next` is `c.from` without `c.removed` and with `c.added` (by identity), so that a
 * consumer that saw `c.from` finds the change without a scan of `next`. The watch layer knows it from its
 * events; the record must be exact.
 */
export function recordCollectionChange(next: readonly KubeObject[], c: CollectionChange): void {
  // Consumers ask about the newest snapshot only; dropping the older record keeps `next` from holding on to
  // every snapshot before it through the chain of `from`s.
  changes.delete(c.from);
  changes.set(next, c);
}

/** Work counters, for tests. */
export interface TrackedCollectionStats {
  /** Diffs that looked at every object of the new snapshot (no recorded change from the previous one). */
  scans: number;
  /** Diffs taken from a recorded change. */
  recorded: number;
}

/** Objects of one collection by identity; tells what was added and removed since the previous state. */
export class TrackedCollection {
  prev: readonly KubeObject[] | undefined;
  objs = new Set<KubeObject>();
  /** One object per `<namespace>/<name>`, to find the object a new one replaces without a scan. */
  byKey = new Map<string, KubeObject>();
  readonly stats: TrackedCollectionStats = { scans: 0, recorded: 0 };

  diff(next: readonly KubeObject[]): { added: KubeObject[]; removed: KubeObject[] } {
    const prev = this.prev;
    if (next === prev) return { added: [], removed: [] };
    this.prev = next;
    const rec = prev === undefined ? undefined : changes.get(next);
    if (rec !== undefined && rec.from === prev) {
      // A scan would find exactly this (one Set lookup per object: 2 ms per change at 15,000 Ingresses).
      this.stats.recorded++;
      return this.#apply(rec.added.slice(), rec.removed.slice());
    }
    this.stats.scans++;
    if (this.objs.size === 0) {
      // The first state (initial sync): everything is new.
      return this.#apply(next.slice(), []);
    }
    const added: KubeObject[] = [];
    for (const o of next) if (!this.objs.has(o)) added.push(o);
    const removed: KubeObject[] = [];
    const replaced = new Set<KubeObject>();
    for (const o of added) {
      const old = this.byKey.get(keyOf(o));
      if (old !== undefined && this.objs.has(old) && !replaced.has(old)) replaced.add(old);
    }
    // Kept objects are in both. When the replaced ones account for every old object that is gone, they are the
    // removed ones (API objects have unique keys); otherwise (deletions) one scan finds them.
    if (this.objs.size - (next.length - added.length) === replaced.size) {
      for (const o of replaced) removed.push(o);
    } else {
      const now = new Set(next);
      for (const o of this.objs) if (!now.has(o)) removed.push(o);
    }
    return this.#apply(added, removed);
  }

  #apply(added: KubeObject[], removed: KubeObject[]): { added: KubeObject[]; removed: KubeObject[] } {
    for (const o of removed) {
      this.objs.delete(o);
      const k = keyOf(o);
      if (this.byKey.get(k) === o) this.byKey.delete(k);
    }
    for (const o of added) {
      this.objs.add(o);
      this.byKey.set(keyOf(o), o);
    }
    return { added, removed };
  }
}
