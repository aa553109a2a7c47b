/** Shared test helpers: request builder and table-driven predicate checks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Arg } from '../../src/eskip/ast.ts';
import { InvalidArgsError } from '../../src/errors.ts';
import type { HeaderBag, PredicateSpec, RoutingRequest } from '../../src/routing/types.ts';

/** A RoutingRequest with defaults: GET / on example.org from 10.0.0.1. */
export function req(over: Partial<RoutingRequest> & { headers?: HeaderBag } = {}): RoutingRequest {
  return { method: 'GET', host: 'example.org', path: '/', rawQuery: '', headers: {}, remoteAddress: '10.0.0.1', ...over };
}

export interface Case {
  args: Arg[];
  req: RoutingRequest;
  want: boolean;
  name?: string;
}

/** One test per case (positive and negative), plus one per invalid argument list. */
export function predicateSuite(spec: PredicateSpec, cases: Case[], invalid: Arg[][]): void {
  for (const c of cases) {
    const label = c.name ?? `${spec.name}(${c.args.map((a) => JSON.stringify(a)).join(', ')}) ${c.want ? 'matches' : 'does not match'} ${c.req.method} ${c.req.host}${c.req.path}`;
    test(label, () => {
      assert.equal(spec.create(c.args).match(c.req), c.want);
    });
  }
  for (const args of invalid) {
    test(`${spec.name}(${args.map((a) => JSON.stringify(a)).join(', ')}) is rejected at build time`, () => {
      assert.throws(() => spec.create(args), (e: unknown) => e instanceof InvalidArgsError && e.message.includes(spec.name));
    });
  }
}
