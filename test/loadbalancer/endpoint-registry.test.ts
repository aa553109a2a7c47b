import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoadBalancer, EndpointRegistry, lbConfigOf, selectEndpoint, fadeInScore, filterFadeIn, filterHealthy } from '../../src/loadbalancer/index.ts';
import type { Route, RouteTable } from '../../src/routing/types.ts';
import type { FilterInstance } from '../../src/routing/filter-contract.ts';
import { fadeIn } from '../../src/filters/lb/fade-in.ts';
import { endpointCreated } from '../../src/filters/lb/endpoint-created.ts';
import { InvalidArgsError } from '../../src/errors.ts';

function lbRoute(id: string, endpoints: string[], filters: FilterInstance[] = []): Route {
  return {
    id,
    def: { id, predicates: [], filters: [], backendType: 'lb', lbAlgorithm: 'roundRobin', lbEndpoints: endpoints.map((address) => ({ address })) },
    filters,
    requestFilters: null,
    responseFilters: null,
    backendUrl: null,
    lb: createLoadBalancer('roundRobin', endpoints),
  };
}

function table(generation: number, routes: Route[]): RouteTable {
  return { generation, routes, invalid: [], lookup: () => null, release: () => {} };
}

test('statistics survive a route update; endpoints unseen for a minute are forgotten', () => {
  let now = 1_000_000;
  const reg = new EndpointRegistry(() => now);
  reg.observe(table(1, [lbRoute('r', ['http://a:1', 'http://b:2'])]));
  const a = reg.get('a:1');
  assert.equal(a.detected, 1_000_000);
  a.inflight = 3;
  now += 30_000;
  reg.observe(table(2, [lbRoute('r', ['http://a:1'])]));
  assert.equal(reg.get('a:1'), a, 'same stats object after the update');
  assert.equal(a.inflight, 3);
  assert.equal(a.detected, 1_000_000, 'detection time kept');
  now += 31_000;
  reg.observe(table(3, [lbRoute('r', ['http://a:1'])]));
  assert.equal(reg.peek('b:2'), undefined);
  assert.ok(reg.peek('a:1'));
});

test('a new generation walks only the routes that changed; kept endpoints stay however long, unused ones go after a minute', () => {
  let now = 1_000_000;
  const reg = new EndpointRegistry(() => now);
  // The routes whose balancer the registry looked at during one observation.
  const looked = new Set<Route>();
  const counted = (r: Route): Route => {
    const lb = r.lb;
    const c: Route = Object.defineProperty({ ...r }, 'lb', { get: () => (looked.add(c), lb) });
    return c;
  };
  const routes = Array.from({ length: 100 }, (_, i) => counted(lbRoute(`r${i}`, [`http://h${i}:1`])));
  reg.observe(table(1, routes));
  assert.equal(looked.size, 100);
  reg.get('lazy:1');
  let walks = 0;
  for (let g = 2; g < 10; g++) {
    now += 20_000;
    const next = routes.slice();
    next[50] = counted(lbRoute(`r50`, [`http://h50:1`, `http://n${g}:1`]));
    looked.clear();
    reg.observe(table(g, next));
    walks += looked.size;
    routes.splice(0, routes.length, ...next);
  }
  assert.ok(walks <= 2 * 8, `two routes looked at per generation, ${walks} in 8`);
  assert.ok(reg.peek('h0:1'), 'in every table for 160 s: kept');
  assert.ok(reg.peek('h50:1'), 'moved from the replaced route to its successor: kept');
  assert.equal(reg.peek('lazy:1'), undefined, 'met by a request but in no table: gone after a minute');
  assert.equal(reg.peek('n2:1'), undefined, 'gone from the tables for over a minute');
  assert.ok(reg.peek('n9:1') && reg.peek('n8:1'), 'in the last tables');
});

test('endpointCreated later than the detection time restarts the fade-in', () => {
  let now = Date.now();
  const reg = new EndpointRegistry(() => now);
  reg.observe(table(1, [lbRoute('r', ['http://a:1'])]));
  const created = Math.floor(now / 1000) * 1000 + 1000;
  now = created + 5000;
  const ec = endpointCreated.create(['http://a:1', new Date(created).toISOString().replace('.000', '')]);
  // The filter ignores times in the future; build the route after "now" passed the creation time.
  assert.equal((ec.lbSettings?.endpointCreated?.createdMs ?? 0) > 0 || created > Date.now(), true);
  const route = lbRoute('r', ['http://a:1'], [{ name: 'endpointCreated', lbSettings: { endpointCreated: { host: 'a:1', createdMs: created } } }]);
  reg.observe(table(2, [route]));
  assert.equal(reg.get('a:1').detected, created);
});

test('passive health check: failure ratio above the minimum becomes a capped drop probability', () => {
  const reg = new EndpointRegistry();
  reg.startHealthCheck({ periodMs: 60_000, minRequests: 10, minDropProbability: 0.1, maxDropProbability: 0.9, maxUnhealthyEndpointsRatio: 1 });
  try {
    const bad = reg.get('bad:1');
    const ok = reg.get('ok:1');
    const few = reg.get('few:1');
    for (let i = 0; i < 20; i++) {
      reg.countRequest(bad, true);
      reg.countRequest(ok, i === 0);
    }
    for (let i = 0; i < 5; i++) reg.countRequest(few, true);
    reg.evaluateHealth();
    assert.equal(bad.dropProbability, 0.9);
    assert.equal(ok.dropProbability, 0, '5% failures is under the minimum');
    assert.equal(few.dropProbability, 0, 'too few requests');
    reg.evaluateHealth();
    assert.equal(bad.dropProbability, 0, 'a quiet period clears it');
  } finally {
    reg.close();
  }
});

test('filterHealthy drops by probability but never more than the allowed ratio', () => {
  const reg = new EndpointRegistry();
  const b = createLoadBalancer('random', ['http://a:1', 'http://b:1', 'http://c:1']) as ReturnType<typeof lbConfigOf>['balancer'];
  reg.get('a:1').dropProbability = 0.8;
  assert.deepEqual(filterHealthy(b.parsed, reg, 1, 0.5).map((e) => e.host), ['b:1', 'c:1']);
  assert.deepEqual(filterHealthy(b.parsed, reg, 1, 0.85).map((e) => e.host), ['a:1', 'b:1', 'c:1']);
  reg.get('b:1').dropProbability = 0.8;
  assert.equal(filterHealthy(b.parsed, reg, 0.5, 0.1).length, 3, '2 of 3 exceeds a 0.5 ratio: keep all');
  reg.get('c:1').dropProbability = 0.8;
  assert.equal(filterHealthy(b.parsed, reg, 1, 0.1).length, 3, 'all dropped: keep all');
});

test('fade-in: score grows with age; young endpoints get proportionally less traffic', () => {
  assert.equal(fadeInScore(0, 1000, 1), 1);
  assert.equal(fadeInScore(500, 1000, 1), 0.5);
  assert.equal(fadeInScore(500, 1000, 2), 0.25);
  assert.equal(fadeInScore(2000, 1000, 1), 1);
  const now = 10_000_000;
  const reg = new EndpointRegistry(() => now);
  const route = lbRoute('r', ['http://old:1', 'http://new:1'], [fadeIn.create(['10s'])]);
  const cfg = lbConfigOf(route);
  assert.deepEqual(cfg.fadeIn, { durationMs: 10_000, exponent: 1 });
  reg.get('old:1').detected = now - 60_000;
  reg.get('new:1').detected = now - 2_000; // score 0.2
  let n = 0;
  for (let i = 0; i < 1000; i++) if (filterFadeIn(cfg.endpoints, cfg.fadeIn!, reg, now, Math.random()).some((e) => e.host === 'new:1')) n++;
  assert.ok(n > 120 && n < 280, `new endpoint kept ~20% of the time: ${n}`);
  const counts = new Map<string, number>();
  const r = { hashKey: '', balanceFactor: undefined, inflight: () => 0 };
  for (let i = 0; i < 1000; i++) {
    const h = selectEndpoint(cfg, reg, r, null).host;
    counts.set(h, (counts.get(h) ?? 0) + 1);
  }
  assert.ok((counts.get('new:1') ?? 0) < 250, `fading endpoint gets little traffic: ${[...counts]}`);
});

test('selectEndpoint skips endpoints that already failed this request', () => {
  const reg = new EndpointRegistry();
  const cfg = lbConfigOf(lbRoute('r', ['http://a:1', 'http://b:1']));
  const r = { hashKey: '', balanceFactor: undefined, inflight: () => 0 };
  for (let i = 0; i < 20; i++) assert.equal(selectEndpoint(cfg, reg, r, new Set([cfg.endpoints[0]!])).host, 'b:1');
});

test('fadeIn and endpointCreated validate their arguments', () => {
  assert.deepEqual(fadeIn.create([3000, 2]).lbSettings, { fadeIn: { durationMs: 3000, exponent: 2 } });
  assert.equal(fadeIn.create(['3m']).lbSettings?.fadeIn?.durationMs, 180_000);
  assert.throws(() => fadeIn.create([]), InvalidArgsError);
  assert.throws(() => fadeIn.create(['soon']), /fadeIn: invalid duration "soon"/);
  assert.throws(() => fadeIn.create([1000, 'x']), /exponent/);
  const ec = endpointCreated.create(['http://10.0.0.1:8080', 1_600_000_000]).lbSettings!.endpointCreated!;
  assert.deepEqual([ec.host, ec.createdMs], ['10.0.0.1:8080', 1_600_000_000_000]);
  assert.equal(endpointCreated.create(['https://x', '2020-01-02T03:04:05Z']).lbSettings?.endpointCreated?.host, 'x:443');
  assert.equal(endpointCreated.create(['http://x:1', 4_000_000_000]).lbSettings?.endpointCreated?.createdMs, 0, 'future: ignored');
  assert.throws(() => endpointCreated.create(['http://x:1']), InvalidArgsError);
  assert.throws(() => endpointCreated.create(['http://x:1', 'yesterday']), /RFC 3339/);
  assert.throws(() => endpointCreated.create(['http://x:1/path', 1]), /path/);
});

/** The first endpoint whose statistics differ between two registries (null: none), as a short message. */
function firstDifference(a: EndpointRegistry, b: EndpointRegistry, hosts: string[]): string | null {
  const view = (e: ReturnType<EndpointRegistry['peek']>) => (e === undefined ? 'none' : `${e.detected}/${e.lastSeen}/${e.origin}`);
  for (const h of hosts) if (view(a.peek(h)) !== view(b.peek(h))) return `${h}: ${view(a.peek(h))} against ${view(b.peek(h))}`;
  return null;
}

test('observeSliced returns to the event loop on a large table and ends where observe ends; a table handed in meanwhile is walked after it', async () => {
  let now = 1_000_000;
  const routes = (g: number) => Array.from({ length: 20_000 }, (_, i) => lbRoute(`r${i}`, [`http://h${(i + g) % 25_000}:1`, `http://h${i % 7}:2`]));
  const hosts = [...Array.from({ length: 25_000 }, (_, i) => `h${i}:1`), ...Array.from({ length: 7 }, (_, i) => `h${i}:2`)];
  const [one, two, three] = [table(1, routes(0)), table(2, routes(3000)), table(3, routes(6000))];
  const sync = new EndpointRegistry(() => now);
  sync.observe(one);
  const sliced = new EndpointRegistry(() => now);
  let yields = 0;
  await sliced.observeSliced(one, { sliceMs: 0, onYield: () => yields++ });
  assert.ok(yields > 10, `returned to the event loop ${yields} times`);
  assert.equal(firstDifference(sliced, sync, hosts), null);
  assert.ok(sliced.peek('h19999:1') !== undefined && sliced.peek('h20000:1') === undefined);

  // A table handed in while another is walked: that walk ends, then the latest is walked (once).
  now += 70_000;
  let third: Promise<void> | null = null;
  const walking = sliced.observeSliced(two, { sliceMs: 0, onYield: () => (third ??= sliced.observeSliced(three)) });
  await walking;
  assert.ok(third !== null);
  assert.equal(third, walking, 'one walk at a time: the second call joins the first');
  sync.observe(two);
  sync.observe(three);
  assert.equal(firstDifference(sliced, sync, hosts), null);
  // The counts are right too: the endpoints `three` names stay, those of `one` alone go once unseen for a minute.
  now += 61_000;
  sync.observe(three);
  await sliced.observeSliced(three);
  assert.equal(firstDifference(sliced, sync, hosts), null);
  assert.ok(sliced.peek('h6000:1') !== undefined && sliced.peek('h3000:1') === undefined);
});

function networkRoute(id: string, url: URL): Route {
  return {
    id,
    def: { id, predicates: [], filters: [], backendType: 'network', backend: url.href },
    filters: [],
    requestFilters: null,
    responseFilters: null,
    backendUrl: url,
    lb: null,
  };
}

test('network and LB routes naming one endpoint count together; an entry a request made is kept once a table names it', () => {
  let now = 1_000_000;
  const reg = new EndpointRegistry(() => now);
  // Made by a request before any table named it: an eviction candidate.
  const early = reg.get('c:3');
  const shared = new URL('http://c:3');
  const net = [networkRoute('n1', shared), networkRoute('n2', shared), networkRoute('n3', new URL('http://d'))];
  const lb = lbRoute('l', ['http://c:3', 'http://e:5']);
  reg.observe(table(1, [...net, lb]));
  assert.equal(reg.get('c:3'), early, 'the request\'s entry is the table\'s');
  assert.equal(reg.peek('d:80')?.origin, 'http://d:80', 'network backends are keyed host:port, the port defaulted');
  // Only the LB route still names c:3, then nothing does.
  now += 61_000;
  reg.observe(table(2, [net[2]!, lb]));
  now += 61_000;
  reg.observe(table(3, [net[2]!, lb]));
  assert.equal(reg.get('c:3'), early, 'named by the LB route for two minutes: kept');
  reg.observe(table(4, [net[2]!]));
  now += 61_000;
  reg.observe(table(5, [net[2]!]));
  assert.equal(reg.peek('c:3'), undefined, 'in no table for over a minute: gone');
  assert.equal(reg.peek('e:5'), undefined);
  assert.ok(reg.peek('d:80'));
});
