import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EskipParseError, eqLists, parse, print, type RouteDef } from '../../src/eskip/index.ts';

const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/);
const legacy = new Set(['Path', 'Method', 'Host', 'Header', 'HeaderRegexp', 'PathRegexp', 'Any']);
const arg = fc.oneof(fc.string({ maxLength: 20 }), fc.double({ min: 0, max: 1e12, noNaN: true }), fc.integer({ min: 0, max: 1e9 }));
const call = fc.record({ name, args: fc.array(arg, { maxLength: 4 }) });
const url = fc.webUrl({ withQueryParameters: false, withFragments: false });

const backend = fc.oneof(
  url.map((u) => ({ backendType: 'network' as const, backend: u })),
  fc.constantFrom('shunt', 'loopback', 'dynamic', 'forward').map((t) => ({ backendType: t })),
  fc.record({
    lbAlgorithm: fc.oneof(fc.constant(''), name),
    lbEndpoints: fc.array(fc.integer({ min: 1, max: 65535 }).map((p) => ({ address: `http://10.0.0.1:${p}` })), { minLength: 1, maxLength: 4 }),
  }).map((lb) => ({ backendType: 'lb' as const, ...lb })),
);

const route = fc.record({
  predicates: fc.array(call.filter((c) => !legacy.has(c.name)), { maxLength: 4 }),
  filters: fc.array(call, { maxLength: 4 }),
  backend,
});

test('print then parse gives back an equal route list', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(name, route), { selector: (x) => x[0], maxLength: 6 }), (entries) => {
      const routes: RouteDef[] = entries.map(([id, r]) => ({ id, predicates: r.predicates, filters: r.filters, ...r.backend }));
      const back = parse(print(routes));
      assert.ok(eqLists(back, routes), print(routes));
      const pretty = parse(print(routes, { pretty: true }));
      assert.ok(eqLists(pretty, routes));
    }),
    { numRuns: 300 },
  );
});

test('arbitrary input never throws anything but EskipParseError', () => {
  const tokens = fc.constantFrom('a', ':', '->', '&&', '(', ')', '"x"', '/r/', '1.5', '<', '>', ',', ';', '*', '<shunt>', ' ', '\n', '//c\n', '\\', '`', '-', '&', '.');
  const input = fc.oneof(fc.string({ maxLength: 60 }), fc.array(tokens, { maxLength: 30 }).map((t) => t.join('')));
  fc.assert(
    fc.property(input, (s) => {
      try {
        parse(s);
      } catch (err) {
        assert.ok(err instanceof EskipParseError, `unexpected ${String(err)} for ${JSON.stringify(s)}`);
      }
    }),
    { numRuns: 2000 },
  );
});
