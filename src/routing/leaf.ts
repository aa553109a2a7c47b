/**
 * A leaf of the path tree (or the root list of routes without a path): the routes sharing one path
 * position, ordered by precedence. Routes confined to known hostnames are also indexed by hostname, so a
 * lookup only evaluates the routes that can match the request's host; their relative order is unchanged,
 * hence so is the decision.
 */
import { findHosted, HostIndex, matches, ranksAbove, type HostOverlay } from './host-index.ts';
import type { ParamNames, RouteEntry } from './route-entry.ts';
import { stepChunk, type Steps } from '../lifecycle/index.ts';
import type { RoutingRequest } from './types.ts';

export type { ParamNames, RouteEntry };

const noEntries: readonly RouteEntry[] = [];

export class Leaf {
  /** Entries by precedence: weight descending, definition order among equals (Skipper's stable sort). */
  readonly entries: readonly RouteEntry[];
  /** Null when few entries are host-confined: then a scan is as fast. */
  readonly #index: HostIndex | null;
  // The index's fields that find() reads, kept here: one object less per leaf a lookup consults.
  readonly #slots: readonly unknown[] | null;
  readonly #mask: number;
  readonly #overlay: HostOverlay | null;
  readonly #generic: readonly RouteEntry[];

  /**
   * `entries` in definition order, or already in precedence order when `sorted` (then taken over, not
   * copied). `index` is for patchLeaf: the index of exactly these entries.
   */
  constructor(entries: readonly RouteEntry[], sorted = false, index?: HostIndex | null) {
    this.entries = sorted || entries.length < 2 ? entries : entries.slice().sort(byWeight);
    const ix = index !== undefined ? index : HostIndex.build(this.entries);
    this.#index = ix;
    this.#slots = ix === null ? null : ix.slots;
    this.#mask = ix === null ? 0 : ix.mask;
    this.#overlay = ix === null ? null : ix.overlay;
    this.#generic = ix === null ? noEntries : ix.generic;
  }

  /**
   * The first entry, by precedence, whose predicates all match; `hostKey` is the request's index key and
   * `hash` its hostHash.
   */
  find(req: RoutingRequest, hostKey: string, hash: number): RouteEntry | null {
    const slots = this.#slots;
    if (slots !== null) return findHosted(slots, this.#mask, this.#overlay, this.#generic, req, hostKey, hash);
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) if (matches(entries[i]!, req)) return entries[i]!;
    return null;
  }

  /** The index patched for the next version of this leaf, or null when it must be built. */
  patchedIndex(added: readonly RouteEntry[] | null, removed: readonly RouteEntry[] | null, hosted: number): HostIndex | null {
    return this.#index === null ? null : this.#index.patch(added, removed, hosted);
  }
}

/**
 * The leaf of `entries` (in definition order) in steps: the same leaf the constructor makes. Large leaves
 * (every hostname's `/`) are ordered by a stable bucketing by weight instead of one sort call.
 */
export function* leafSteps(entries: readonly RouteEntry[]): Steps<Leaf> {
  if (entries.length < stepChunk) return new Leaf(entries);
  const byW = new Map<number, RouteEntry[]>();
  for (let i = 0; i < entries.length; i++) {
    if (i % stepChunk === stepChunk - 1) yield;
    const e = entries[i]!;
    const list = byW.get(e.weight);
    if (list === undefined) byW.set(e.weight, [e]);
    else list.push(e);
  }
  const sorted: RouteEntry[] = new Array(entries.length);
  let k = 0;
  for (const w of [...byW.keys()].sort((a, b) => b - a)) {
    for (const e of byW.get(w)!) {
      sorted[k++] = e;
      if (k % (4 * stepChunk) === 0) yield;
    }
  }
  yield;
  return new Leaf(sorted, true, yield* HostIndex.buildSteps(sorted));
}

function byWeight(a: RouteEntry, b: RouteEntry): number {
  return b.weight - a.weight;
}

/**
 * The leaf `prev` with the entries of `removed` taken out and those of `added` put in, in the order a full
 * build gives: weight descending, then definition order (`seq`, set for the new generation). Requires
 * that the entries kept from `prev` are still in the same relative definition order. Null when nothing
 * is left. The hostname index is patched rather than rebuilt when it can be.
 */
export function patchLeaf(prev: Leaf | null, added: readonly RouteEntry[] | null, removed: readonly RouteEntry[] | null): Leaf | null {
  if (added === null && removed === null) return prev;
  const kept = without(prev === null ? noEntries : prev.entries, removed);
  const adds = added === null ? noEntries : added.slice().sort((a, b) => (ranksAbove(a, b) ? -1 : ranksAbove(b, a) ? 1 : 0));
  const out: RouteEntry[] = new Array(kept.length + adds.length);
  let i = 0;
  let j = 0;
  let k = 0;
  let hosted = 0;
  while (i < kept.length || j < adds.length) {
    const e = j >= adds.length || (i < kept.length && !ranksAbove(adds[j]!, kept[i]!)) ? kept[i++]! : adds[j++]!;
    if (e.hostKeys !== null) hosted++;
    out[k++] = e;
  }
  if (out.length === 0) return null;
  const index = prev === null ? null : prev.patchedIndex(added, removed, hosted);
  return new Leaf(out, true, index ?? undefined);
}

/** `es` without the entries of `removed`, compared by identity (no entry is read). */
function without(es: readonly RouteEntry[], removed: readonly RouteEntry[] | null): readonly RouteEntry[] {
  if (removed === null || es.length === 0) return es;
  if (removed.length > 16) {
    const gone = new Set(removed);
    return es.filter((e) => !gone.has(e));
  }
  const out = es.slice();
  for (const r of removed) {
    const i = out.indexOf(r);
    if (i >= 0) out.splice(i, 1);
  }
  return out;
}
