/**
 * Route definitions as -workers N sends them from the primary to a worker: each predicate and filter call,
 * and each LB endpoint list, travels once per transfer (a generation's parts) and is named by number after
 * that, so the worker's definitions share them as the parser's do.
 *
 * Why: structured clone keeps shared objects shared within one message only, and a generation travels in
 * parts of a few thousand definitions. A host's Host() call, its setRequestHeader() and its endpoint list,
 * one object each in the primary, arrived as a copy per route — and the compile's creation cache, which
 * finds equal calls by the identity of their argument list, then made a matcher and a filter instance per
 * route instead of one per host. At a million routes a worker held ≈ 2.3 GB of heap where `-workers 1`
 * holds ≈ 1.1 GB. Strings repeat the same way (names, header names, the file of every position), so the
 * worker interns them for the length of a transfer.
 */
import type { Arg, FilterCall, LBEndpoint, PredicateCall, RouteDef } from '../eskip/index.ts';

/** A definition on the wire: calls and the endpoint list by their number in the transfer. */
export interface WireDef extends Omit<RouteDef, 'predicates' | 'filters' | 'lbEndpoints'> {
  predicates: number[];
  filters: number[];
  lbEndpoints?: number;
}

/** What one part adds to its transfer: the calls and endpoint lists first used in it, numbered on from the last part's. */
export interface WirePart {
  calls: PredicateCall[];
  lists: LBEndpoint[][];
  /**
   * Whether each of `calls` (its argument list) and each of `lists` was frozen in the primary, as the parser
   * makes them: the compile's caches share only frozen ones (src/filters/memo.ts), so the worker freezes what
   * was frozen and leaves the rest as it came (the Kubernetes conversion's calls, one per route: freezing and
   * caching them made the worker's compile slower, for nothing to share).
   */
  callsFrozen: boolean[];
  listsFrozen: boolean[];
  defs: WireDef[];
}

/** Primary side: numbers the calls and lists of one transfer by identity (equal objects the primary shares). */
export class WireEncoder {
  readonly #calls = new Map<PredicateCall | FilterCall, number>();
  readonly #lists = new Map<readonly LBEndpoint[], number>();

  /** `defs` as one part, after the parts encoded before it by this encoder. */
  part(defs: readonly RouteDef[]): WirePart {
    const calls: PredicateCall[] = [];
    const lists: LBEndpoint[][] = [];
    const callsFrozen: boolean[] = [];
    const listsFrozen: boolean[] = [];
    const out: WireDef[] = new Array(defs.length);
    const callId = (c: PredicateCall): number => {
      let id = this.#calls.get(c);
      if (id === undefined) {
        this.#calls.set(c, (id = this.#calls.size));
        calls.push(c);
        callsFrozen.push(Object.isFrozen(c.args));
      }
      return id;
    };
    for (let i = 0; i < defs.length; i++) {
      const d = defs[i]!;
      const lbEndpoints = d.lbEndpoints;
      // A spread copy, then the three fields replaced: a rest pattern without them made slow objects.
      const w = { ...d } as unknown as WireDef;
      w.predicates = d.predicates.map(callId);
      w.filters = d.filters.map(callId);
      if (lbEndpoints !== undefined) {
        let id = this.#lists.get(lbEndpoints);
        if (id === undefined) {
          this.#lists.set(lbEndpoints, (id = this.#lists.size));
          lists.push(lbEndpoints);
          listsFrozen.push(Object.isFrozen(lbEndpoints));
        }
        w.lbEndpoints = id;
      }
      out[i] = w;
    }
    return { calls, lists, callsFrozen, listsFrozen, defs: out };
  }
}

/**
 * Worker side: turns the parts of one transfer back into definitions, in order. Calls, their argument lists
 * and endpoint lists come out frozen where they were frozen in the primary, and the strings of those interned.
 */
export class WireDecoder {
  readonly #calls: PredicateCall[] = [];
  readonly #lists: LBEndpoint[][] = [];
  readonly #strings = new Map<string, string>();

  /** The definitions of `p`; the wire objects are reused for them (they are the receiver's own copies). */
  part(p: WirePart): RouteDef[] {
    for (let k = 0; k < p.calls.length; k++) {
      const c = p.calls[k]!;
      const args = c.args;
      if (p.callsFrozen[k] !== true) {
        c.name = this.#str(c.name);
        this.#calls.push(c);
        continue;
      }
      // Calls may share one argument list (the Kubernetes conversion does); the clone keeps it one list, done once.
      if (!Object.isFrozen(args)) {
        for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = this.#str(args[i] as string);
        Object.freeze(args);
      }
      this.#calls.push(Object.freeze({ name: this.#str(c.name), args: args as Arg[] }));
    }
    for (let k = 0; k < p.lists.length; k++) {
      const l = p.lists[k]!;
      if (p.listsFrozen[k] !== true) {
        this.#lists.push(l);
        continue;
      }
      for (let i = 0; i < l.length; i++) {
        const e = l[i]!;
        l[i] = Object.freeze(e.zone === undefined ? { address: this.#str(e.address) } : { address: this.#str(e.address), zone: this.#str(e.zone) });
      }
      this.#lists.push(Object.freeze(l) as LBEndpoint[]);
    }
    const out: RouteDef[] = new Array(p.defs.length);
    for (let i = 0; i < p.defs.length; i++) {
      const w = p.defs[i]!;
      const d = w as unknown as RouteDef;
      d.predicates = w.predicates.map((id) => this.#call(id));
      d.filters = w.filters.map((id) => this.#call(id));
      if (w.lbEndpoints !== undefined) {
        const l = this.#lists[w.lbEndpoints];
        if (l === undefined) throw new Error(`route transfer: endpoint list ${w.lbEndpoints} of route ${w.id} was not sent`);
        d.lbEndpoints = l;
      }
      d.backendType = this.#str(d.backendType) as RouteDef['backendType'];
      if (d.backend !== undefined) d.backend = this.#str(d.backend);
      if (d.lbAlgorithm !== undefined) d.lbAlgorithm = this.#str(d.lbAlgorithm);
      if (d.kind !== undefined) d.kind = this.#str(d.kind);
      if (d.namespace !== undefined) d.namespace = this.#str(d.namespace);
      if (d.name !== undefined) d.name = this.#str(d.name);
      if (d.pos?.file !== undefined) d.pos.file = this.#str(d.pos.file);
      out[i] = d;
    }
    return out;
  }

  #call(id: number): PredicateCall {
    const c = this.#calls[id];
    if (c === undefined) throw new Error(`route transfer: call ${id} was not sent`);
    return c;
  }

  #str(s: string): string {
    const k = this.#strings.get(s);
    if (k !== undefined) return k;
    this.#strings.set(s, s);
    return s;
  }
}
