/**
 * The path routing sees is the path the backend gets (issue 11, item 2): one normalisation of the request
 * target, whatever its form. A route's access decision must hold for what the backend will serve.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/eskip/index.ts';
import { builtinFilters } from '../../src/filters/builtin.ts';
import { createLoadBalancer } from '../../src/loadbalancer/index.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { compileRoutes } from '../../src/routing/compile.ts';
import { RouteTableHolder } from '../../src/routing/holder.ts';
import { cleanPath } from '../../src/routing/path-pattern.ts';
import { decodePath } from '../../src/routing/request.ts';
import { listen, startProxy } from './harness.ts';
import { RawClient } from './raw-client.ts';

const TARGETS = [
  'http://host/api/x\\..\\..\\admin/secret',
  '/api/x\\..\\..\\admin/secret',
  'http://host/api/../admin/secret',
  '/api/../admin/secret',
  '/api/%2e%2e/admin/secret',
  'http://host/api/%2e%2e/%2e%2e/admin/secret',
  '/api/./../admin/secret',
  '/api//../admin/secret',
  'http://host/api/x/..%2f..%2fadmin/secret',
  'http://host:99999/api/../admin',
  'http://host/api/a b',
  '/api/a"<>^`{|}',
  'http://host?x=/api',
  'http://host#/api',
  'https://user@host/api/../../admin',
  '/api/ok?next=/admin',
];

async function setup(t: import('node:test').TestContext) {
  const seen: { url: string; route: string }[] = [];
  const be = await listen(t, (req, res) => {
    seen.push({ url: req.url!, route: String(req.headers['x-route']) });
    res.end('backend');
  });
  const eskip = `
    api: PathSubtree("/api") -> setRequestHeader("X-Route", "api") -> "${be.url}";
    admin: PathSubtree("/admin") -> status(403) -> inlineContent("denied") -> <shunt>;
    rest: * -> setRequestHeader("X-Route", "rest") -> "${be.url}";
  `;
  const table = compileRoutes(parse(eskip), { predicates: builtinPredicates(), filters: builtinFilters(), lbFactory: createLoadBalancer, generation: 1 });
  assert.deepEqual(table.invalid, []);
  const { port } = await startProxy(t, new RouteTableHolder(table));
  return { seen, port };
}

/** What routing makes of a forwarded path: decoded and cleaned, as for the client's own request. */
function routed(path: string): string {
  return cleanPath(decodePath(path.split('?')[0]!));
}

test('absolute-form with backslashes and dot segments cannot reach a path its route did not match', async (t) => {
  const { seen, port } = await setup(t);
  for (const target of TARGETS) {
    const c = await RawClient.open(t, port);
    c.write(`GET ${target} HTTP/1.1\r\nHost: host\r\nConnection: close\r\n\r\n`);
    const r = await c.response();
    assert.ok(r !== null, target);
    const status = Number(r.head.split(' ')[1]);
    assert.ok([200, 400, 403].includes(status), `${target}: ${r.head}`);
    if (status !== 200) continue;
    const got = seen.at(-1)!;
    const backendSees = routed(got.url);
    assert.doesNotMatch(backendSees, /^\/admin(\/|$)/, `${target} reached ${got.url} (${backendSees}) via route ${got.route}`);
    if (got.route === 'api') assert.match(backendSees, /^\/api(\/|$)/, `${target}: route api forwarded ${got.url}`);
  }
  const first = seen.find((s) => s.url.includes('x%5C'));
  assert.equal(first?.url, '/api/x%5C..%5C..%5Cadmin/secret', 'a backslash is forwarded escaped, never as a separator');
});

test('origin-form and absolute-form forward the same path and query', async (t) => {
  const { seen, port } = await setup(t);
  for (const target of ['/api/a%2Fb/c?q=1&r=%20', 'http://host/api/a%2Fb/c?q=1&r=%20', 'HTTP://host:8080/api/a%2Fb/c?q=1&r=%20#frag']) {
    const c = await RawClient.open(t, port);
    c.write(`GET ${target} HTTP/1.1\r\nHost: host\r\nConnection: close\r\n\r\n`);
    assert.match((await c.response())!.head, /^HTTP\/1\.1 200 /, target);
    assert.deepEqual(seen.at(-1), { url: '/api/a%2Fb/c?q=1&r=%20', route: 'api' }, target);
  }
});
