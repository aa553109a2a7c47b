/** The proxy on routes compiled from eskip by the real compiler and held by the real RouteTableHolder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/eskip/index.ts';
import { builtinFilters } from '../../src/filters/builtin.ts';
import { createLoadBalancer } from '../../src/loadbalancer/index.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { compileRoutes } from '../../src/routing/compile.ts';
import { RouteTableHolder } from '../../src/routing/holder.ts';
import { echoBackend, get, startProxy } from './harness.ts';

test('eskip routes: predicates, filters, shunt, loopback and LB through the compiled table', async (t) => {
  const a = await echoBackend(t, 'a');
  const b = await echoBackend(t, 'b');
  const eskip = `
    api: Path("/api/:id") -> setRequestHeader("X-Id", "\${id}") -> "${a.url}";
    teapot: Path("/tea") -> status(418) -> inlineContent("short and stout") -> <shunt>;
    old: Path("/old") -> setPath("/api/7") -> <loopback>;
    lb: Path("/lb") -> fadeIn("1ms") -> <roundRobin, "${a.url}", "${b.url}">;
  `;
  const table = compileRoutes(parse(eskip), { predicates: builtinPredicates(), filters: builtinFilters(), lbFactory: createLoadBalancer, generation: 1 });
  assert.deepEqual(table.invalid, []);
  const { url } = await startProxy(t, new RouteTableHolder(table));
  const api = await get(`${url}/api/42`);
  assert.equal(JSON.parse(api.body).headers['x-id'], '42');
  const tea = await get(`${url}/tea`);
  assert.deepEqual([tea.status, tea.body], [418, 'short and stout']);
  const old = await get(`${url}/old`);
  assert.equal(JSON.parse(old.body).url, '/api/7');
  assert.equal(JSON.parse(old.body).headers['x-id'], '7');
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) seen.add(String((await get(`${url}/lb`)).headers['x-backend']));
  assert.deepEqual([...seen].sort(), ['a', 'b']);
  assert.equal((await get(`${url}/nothing`)).status, 404);
});
