/**
 * When a compiled route's filter instances are closed: once no live generation of its family holds it. A route
 * belongs to the generations from the one that compiled it (`born`) to the last one that kept it (`last`), so
 * a generation is counted by its serial number, not by touching each of its routes: a one-route update among a
 * million costs the routes it compiled and dropped, where a share per route and generation cost two passes
 * over a million objects (taking the new generation's shares, giving up the old one's) — most of the update.
 *
 * Invariants. `last` is at least the serial of every generation holding the route, or `open` while the
 * family's latest generation holds it (then nothing is written when the next generation keeps it). A route
 * dropped while its last generations may still serve requests waits in `pending`; every release checks the
 * pending routes against the live serials. A route is closed (`last` = `closed`) only when no live generation
 * has a serial in [born, last]; that range may cover generations of another branch (a compile from an older
 * generation), which only delays closing.
 */
import { closeFilters } from './route-filters.ts';
import type { RouteEntry } from './route-entry.ts';

/** `last` of a route the family's latest generation holds. */
export const open = 0x3fffffff;
/** `last` of a route whose filter instances are closed. */
export const closed = -1;

/** The generations of one family that have not been released, and the dropped routes not closed yet. */
export interface Lifetimes {
  /** Serial of the last generation begun. */
  serial: number;
  /** The serials of generations compiled and not released. */
  readonly live: number[];
  /** The serial of the latest completed generation (whose routes are `open`); -1: none, or it was released. */
  latest: number;
  /** Dropped routes with filters, not closed yet. */
  pending: RouteEntry[];
}

export function newLifetimes(): Lifetimes {
  return { serial: 0, live: [], latest: -1, pending: [] };
}

/** Whether a route of an earlier generation can still be used: its filter instances are not closed. */
export function usable(c: RouteEntry): boolean {
  return c.last !== closed || c.route.filters.length === 0;
}

/** A route compiled for generation `serial`. */
export function born(c: RouteEntry, serial: number): void {
  c.born = serial;
  c.last = open;
}

/**
 * Routes of generation `baseSerial` (and maybe later ones: `last`) that the next generation does not hold.
 * Those with filters wait until the generations holding them are released.
 */
export function dropped(l: Lifetimes, removed: readonly RouteEntry[], baseSerial: number): void {
  for (const c of removed) {
    if (c.route.filters.length === 0 || c.last === closed) continue;
    if (c.last === open) {
      c.last = baseSerial;
      l.pending.push(c);
    } else if (c.last < baseSerial) c.last = baseSerial;
  }
}

/**
 * A compile from a generation other than the latest (`routes` is the latest's): its open routes end at its
 * serial now, and wait like dropped routes. The compile then marks what it keeps open again (kept()).
 */
export function branched(l: Lifetimes, latest: readonly RouteEntry[]): void {
  if (l.latest < 0) return;
  for (const c of latest) {
    if (c.last !== open || c.route.filters.length === 0) continue;
    c.last = l.latest;
    l.pending.push(c);
  }
  l.latest = -1;
}

/** Routes a generation holds whose `last` may not be `open` (after branched(), or from a released base). */
export function kept(c: RouteEntry): void {
  if (c.last !== closed) c.last = open;
}

/** Generation `serial` is complete and serves. */
export function completed(l: Lifetimes, serial: number): void {
  l.live.push(serial);
  l.latest = serial;
}

/**
 * Generation `serial`, holding `routes`, is released: closes every route no live generation holds. Costs the
 * pending routes, plus the generation's routes when it was the latest (nothing newer holds them then).
 */
export function released(l: Lifetimes, serial: number, routes: readonly RouteEntry[]): void {
  const i = l.live.indexOf(serial);
  if (i < 0) return;
  l.live.splice(i, 1);
  if (l.latest === serial) branched(l, routes);
  const waiting = l.pending;
  l.pending = [];
  for (const c of waiting) {
    // Kept again since (a compile from a released generation), or closed already.
    if (c.last === open || c.last === closed) continue;
    if (heldBy(l.live, c.born, c.last)) l.pending.push(c);
    else {
      c.last = closed;
      closeFilters(c.route.filters);
    }
  }
}

function heldBy(live: readonly number[], from: number, to: number): boolean {
  for (const s of live) if (s >= from && s <= to) return true;
  return false;
}
