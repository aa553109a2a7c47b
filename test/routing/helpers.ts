/** Test helpers for the route table: compile eskip text and build requests. */
import { parse } from '../../src/eskip/index.ts';
import { builtinPredicates, type PredicateEnv } from '../../src/predicates/builtin.ts';
import { Registry } from '../../src/registry.ts';
import type { FilterSpec } from '../../src/routing/filter-contract.ts';
import { compileRoutes, type CompileOptions } from '../../src/routing/compile.ts';
import type { HeaderBag, RouteTable, RoutingRequest } from '../../src/routing/types.ts';

/** Compiles eskip text with the built-in predicates and the given filters (none by default). */
export function table(eskip: string, opts: Partial<CompileOptions> & { env?: PredicateEnv } = {}): RouteTable {
  return compileRoutes(parse(eskip), {
    predicates: builtinPredicates(opts.env ?? {}),
    filters: new Registry<FilterSpec>('filter'),
    ...opts,
  });
}

export interface Probe {
  method?: string;
  path: string;
  host?: string;
  query?: string;
  headers?: HeaderBag;
}

export function request(p: Probe): RoutingRequest {
  return { method: p.method ?? 'GET', host: p.host ?? 'example.org', path: p.path, rawQuery: p.query ?? '', headers: p.headers ?? {}, remoteAddress: '10.0.0.1' };
}

/** The id of the route `t` selects for the probe, or null. */
export function pick(t: RouteTable, p: Probe): string | null {
  return t.lookup(request(p))?.route.id ?? null;
}
