/** What changed in one collection of the cluster state between two conversions, by object identity. */
import type { KubeObject } from './types.ts';

/** `<namespace>/<name>`. */
export const keyOf = (o: KubeObject): string => `${o.metadata.namespace}/${o.metadata.name}`;

/** Objects of one collection by identity; tells what was added and removed since the previous state. */
export class TrackedCollection {
  prev: readonly KubeObject[] | undefined;
  objs = new Set<KubeObject>();
  /** One object per `<namespace>/<name>`, to find the object a new one replaces without a scan. */
  byKey = new Map<string, KubeObject>();

  diff(next: readonly KubeObject[]): { added: KubeObject[]; removed: KubeObject[] } {
    if (next === this.prev) return { added: [], removed: [] };
    this.prev = next;
    if (this.objs.size === 0) {
      // The first state (initial sync): everything is new.
      const added = next.slice();
      for (const o of added) {
        this.objs.add(o);
        this.byKey.set(keyOf(o), o);
      }
      return { added, removed: [] };
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
