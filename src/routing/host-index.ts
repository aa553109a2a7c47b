/**
 * The hostname index of a large leaf: for each hostname the leaf's routes confined to it, in precedence
 * order, plus the routes open to any host ("generic"). A lookup evaluates only those two lists, merged in
 * precedence order, so the decision equals scanning the whole leaf (test/routing/host-index.test.ts).
 *
 * The lists are kept in a HostTable (host-key.ts) rather than a Map: at a million routes the table's one
 * slot read per probe is fewer cache misses than a Map's bucket, entry and key reads.
 *
 * Kubernetes puts thousands of hostnames at one path position (every Ingress's `/`), so one route update
 * must not rebuild this index: a patched index shares its predecessor's table and records the hostnames
 * whose lists changed in a small overlay map, folded into a fresh table once it grows past an eighth of it.
 * Lists hold the entries themselves, not positions, so they stay valid when routes come and go elsewhere
 * in the leaf.
 */
import { HostTable, hostHash, slotsGet } from './host-key.ts';
import { hostByKeyFlag, hostExactFlag, hostOnlyFlag, type RouteEntry } from './route-entry.ts';
import { runSync, stepChunk, type Steps } from '../lifecycle/index.ts';
import type { RoutingRequest } from './types.ts';

/** A hostname's entries when the leaf also has generic ones: `before[i]` generic entries rank above entries[i]. */
class HostList {
  readonly entries: readonly RouteEntry[];
  readonly before: readonly number[];
  constructor(entries: readonly RouteEntry[], before: readonly number[]) {
    this.entries = entries;
    this.before = before;
  }
}

/** Without generic entries a hostname maps to its one entry or its list; with them, to a HostList. */
type HostValue = RouteEntry | readonly RouteEntry[] | HostList;

// Below this many host-confined routes a linear scan of the leaf is as cheap as the index.
const indexThreshold = 4;
const noEntries: readonly RouteEntry[] = [];

/** Whether `a` ranks above `b`: higher weight, then earlier definition (`seq` of the generation being built). */
export function ranksAbove(a: RouteEntry, b: RouteEntry): boolean {
  return a.weight > b.weight || (a.weight === b.weight && a.seq < b.seq);
}

/** Hostnames whose lists changed since an index's table was built; null: the hostname has no entries any more. */
export type HostOverlay = ReadonlyMap<string, HostValue | null>;

export class HostIndex {
  readonly #base: HostTable<HostValue>;
  // What a lookup reads (findHosted); the leaf holding the index keeps copies of them.
  /** The slots and mask of the index's HostTable. */
  readonly slots: readonly unknown[];
  readonly mask: number;
  readonly overlay: HostOverlay | null;
  readonly generic: readonly RouteEntry[];

  private constructor(base: HostTable<HostValue>, overlay: ReadonlyMap<string, HostValue | null> | null, generic: readonly RouteEntry[]) {
    this.#base = base;
    this.slots = base.slots;
    this.mask = base.mask;
    this.overlay = overlay;
    this.generic = generic;
  }

  /** The index of `entries` (in precedence order), or null when too few are host-confined to be worth one. */
  static build(entries: readonly RouteEntry[]): HostIndex | null {
    return runSync(HostIndex.buildSteps(entries));
  }

  /** build() in steps (see lifecycle/slices.ts): the leaf under `/` holds a route of every hostname. */
  static *buildSteps(entries: readonly RouteEntry[]): Steps<HostIndex | null> {
    let hosted = 0;
    const generic: RouteEntry[] = [];
    for (let i = 0; i < entries.length; i++) {
      if (i % (4 * stepChunk) === 4 * stepChunk - 1) yield;
      const e = entries[i]!;
      if (e.hostKeys === null) generic.push(e);
      else hosted++;
    }
    if (hosted < indexThreshold) return null;
    const lists = new Map<string, RouteEntry | RouteEntry[]>();
    const before = generic.length === 0 ? null : new Map<RouteEntry, number>();
    let g = 0;
    let i = 0;
    for (const e of entries) {
      if (++i % stepChunk === 0) yield;
      if (e.hostKeys === null) {
        g++;
        continue;
      }
      before?.set(e, g);
      for (const k of e.hostKeys) {
        const v = lists.get(k);
        if (v === undefined) lists.set(k, e);
        else if (Array.isArray(v)) { if (v[v.length - 1] !== e) v.push(e); }
        else if (v !== e) lists.set(k, [v, e]);
      }
    }
    const base = new HostTable<HostValue>(lists.size);
    // One HostList per hostname when there are generic entries: Kubernetes puts tens of thousands of
    // hostnames under `/`, in steps too.
    i = 0;
    for (const [k, v] of lists) {
      if (++i % stepChunk === 0) yield;
      if (before === null) base.insert(k, hostHash(k), v);
      else {
        const es = Array.isArray(v) ? v : [v];
        base.insert(k, hostHash(k), new HostList(es, es.map((e) => before.get(e)!)));
      }
    }
    return new HostIndex(base, null, before === null ? noEntries : generic);
  }

  /**
   * This index with `removed` taken out and `added` put in, sharing this one's map; null when that is not
   * possible (a generic entry changed, or too few host-confined entries remain) and the caller must build.
   * Every entry's `seq` must be that of the generation being built.
   */
  patch(added: readonly RouteEntry[] | null, removed: readonly RouteEntry[] | null, hosted: number): HostIndex | null {
    if (hosted < indexThreshold) return null;
    const changed = new Set<string>();
    for (const list of [added, removed]) {
      for (const e of list ?? noEntries) {
        if (e.hostKeys === null) return null;
        for (const k of e.hostKeys) changed.add(k);
      }
    }
    const overlay = new Map(this.overlay);
    for (const k of changed) {
      let es = entriesOf(this.#value(k)).filter((e) => removed === null || !removed.includes(e));
      for (const e of added ?? noEntries) if (e.hostKeys!.includes(k) && !es.includes(e)) es = insert(es, e);
      overlay.set(k, this.#valueOf(es));
    }
    if (overlay.size <= 2 + this.#base.size / 8) return new HostIndex(this.#base, overlay, this.generic);
    let size = this.#base.size;
    for (const [k, v] of overlay) {
      const had = this.#base.get(k, hostHash(k)) !== undefined;
      if (v === null && had) size--;
      else if (v !== null && !had) size++;
    }
    const base = new HostTable<HostValue>(size);
    this.#base.forEach((k, hash, v) => {
      if (!overlay.has(k)) base.insert(k, hash, v);
    });
    for (const [k, v] of overlay) if (v !== null) base.insert(k, hostHash(k), v);
    return new HostIndex(base, null, this.generic);
  }

  #value(k: string): HostValue | null | undefined {
    const v = this.overlay?.get(k);
    return v !== undefined ? v : this.#base.get(k, hostHash(k));
  }

  #valueOf(es: readonly RouteEntry[]): HostValue | null {
    if (es.length === 0) return null;
    const generic = this.generic;
    if (generic.length === 0) return es.length === 1 ? es[0]! : es;
    return new HostList(es, es.map((e) => countAbove(generic, e)));
  }
}

/**
 * The first entry, by precedence, among the request's host's and the generic ones whose predicates all
 * match, in the index of fields `slots`, `mask`, `overlay` and `generic`; `hash` is hostHash(hostKey),
 * computed once per lookup. Leaf.find passes its own copies of the index's fields: at a million routes the
 * index object is one more cache miss per leaf.
 */
export function findHosted(
  slots: readonly unknown[], mask: number, overlay: HostOverlay | null, generic: readonly RouteEntry[], req: RoutingRequest, hostKey: string, hash: number,
): RouteEntry | null {
  let v = overlay === null ? undefined : overlay.get(hostKey);
  if (v === undefined) v = slotsGet(slots, mask, hostKey, hash) as HostValue | undefined;
  if (v == null) return first(generic, 0, generic.length, req);
  // The entries under the key whose host matcher the key decides skip it (see RouteEntry.flags): a
  // million-route table is mostly cache misses, and that matcher is four objects away.
  const skip = req.host.length === hostKey.length ? hostByKeyFlag | hostExactFlag : hostByKeyFlag;
  if (generic.length === 0) {
    if (!Array.isArray(v)) return matchesHosted(v as RouteEntry, req, skip) ? v as RouteEntry : null;
    const es = v as readonly RouteEntry[];
    for (let i = 0; i < es.length; i++) if (matchesHosted(es[i]!, req, skip)) return es[i]!;
    return null;
  }
  const { entries, before } = v as HostList;
  let g = 0;
  for (let i = 0; i < entries.length; i++) {
    const r = first(generic, g, before[i]!, req);
    if (r !== null) return r;
    g = before[i]!;
    if (matchesHosted(entries[i]!, req, skip)) return entries[i]!;
  }
  return first(generic, g, generic.length, req);
}

function entriesOf(v: HostValue | null | undefined): readonly RouteEntry[] {
  if (v == null) return noEntries;
  if (v instanceof HostList) return v.entries;
  return Array.isArray(v) ? v as readonly RouteEntry[] : [v as RouteEntry];
}

/** `es` (in precedence order) with `e` put in its place. */
function insert(es: readonly RouteEntry[], e: RouteEntry): RouteEntry[] {
  let i = 0;
  while (i < es.length && !ranksAbove(e, es[i]!)) i++;
  return [...es.slice(0, i), e, ...es.slice(i)];
}

/** How many of `generic` (in precedence order) rank above `e`. */
function countAbove(generic: readonly RouteEntry[], e: RouteEntry): number {
  let lo = 0;
  let hi = generic.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranksAbove(generic[mid]!, e)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function first(es: readonly RouteEntry[], from: number, to: number, req: RoutingRequest): RouteEntry | null {
  for (let i = from; i < to; i++) if (matches(es[i]!, req)) return es[i]!;
  return null;
}

/**
 * Whether every predicate of `e`, found under the request's host index key, matches; `skip` holds the
 * flags whose host matcher (then `matchers[0]`) that key decides for this request.
 */
function matchesHosted(e: RouteEntry, req: RoutingRequest, skip: number): boolean {
  const flags = e.flags;
  if ((flags & skip) !== 0) {
    if ((flags & hostOnlyFlag) !== 0) return true;
    const next = e.next;
    if (next !== null) return next.match(req);
  }
  const ms = e.matchers;
  for (let i = (flags & skip) !== 0 ? 1 : 0; i < ms.length; i++) if (!ms[i]!.match(req)) return false;
  return true;
}

/** Whether every predicate of `e` matches. */
export function matches(e: RouteEntry, req: RoutingRequest): boolean {
  const ms = e.matchers;
  for (let i = 0; i < ms.length; i++) if (!ms[i]!.match(req)) return false;
  return true;
}
