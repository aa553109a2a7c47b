/** Backend choice and backend failures end to end: <dynamic>, load balancing, fade-in and backendTimeout. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { EndpointRegistry } from '../../src/loadbalancer/index.ts';
import { backend, echo, echoed, request, startProxy, until, type Backend } from './harness.ts';

async function three(t: import('node:test').TestContext): Promise<Backend[]> {
  return Promise.all(['a', 'b', 'c'].map((n, i) => backend(t, n, undefined, `127.0.0.${i + 1}`)));
}

function counts(names: unknown[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[String(n)] = (out[String(n)] ?? 0) + 1;
  return out;
}

test('a network backend URL\'s path and query are ignored, as in Skipper\'s mapRequest (scheme and host only); LB endpoints likewise', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    net: Path("/a/b") -> "${be.url}/base/path?fixed=1";
    lb: Path("/lb") -> <roundRobin, "${be.url}/ep/path?e=1">;
    mod: Path("/m") -> setPath("/changed") -> "${be.url}/base";
  `);
  assert.equal(echoed(await request(`${p.url}/a/b?q=2`)).url, '/a/b?q=2');
  assert.equal(echoed(await request(`${p.url}/lb`)).url, '/lb');
  assert.equal(echoed(await request(`${p.url}/m`)).url, '/changed', 'filters change the request path; the backend path never joins it');
});

test('<dynamic>: the backend comes from setDynamicBackend… filters, else from the request Host', async (t) => {
  const [a, b, c] = await three(t);
  const p = await startProxy(t, `
    url: Path("/url") -> setDynamicBackendUrl("${b!.url}") -> <dynamic>;
    hdr: Path("/hdr") -> setDynamicBackendHostFromHeader("X-Target") -> setDynamicBackendScheme("http") -> <dynamic>;
    urlHdr: Path("/url-hdr") -> setDynamicBackendUrlFromHeader("X-Url") -> <dynamic>;
    fixedHost: Path("/fixed-host") -> setDynamicBackendHost("${c!.host}") -> <dynamic>;
    schemeHdr: Path("/scheme-hdr") -> setDynamicBackendHost("${a!.host}") -> setDynamicBackendSchemeFromHeader("X-Scheme") -> <dynamic>;
    host: Path("/host") -> <dynamic>;
  `);
  const u = await request(`${p.url}/url`);
  assert.equal(u.headers['x-backend'], 'b');
  assert.equal(echoed(u).headers.host, b!.host, 'the Host is the dynamic backend\'s');
  assert.equal((await request(`${p.url}/hdr`, { headers: { 'x-target': c!.host } })).headers['x-backend'], 'c');
  assert.equal((await request(`${p.url}/host`, { headers: { host: a!.host } })).headers['x-backend'], 'a');
  assert.equal((await request(`${p.url}/url-hdr`, { headers: { 'x-url': `${b!.url}/ignored?x=1` } })).headers['x-backend'], 'b');
  const fixed = await request(`${p.url}/fixed-host`);
  assert.deepEqual([fixed.headers['x-backend'], echoed(fixed).headers.host], ['c', c!.host]);
  assert.equal((await request(`${p.url}/scheme-hdr`, { headers: { 'x-scheme': 'http' } })).headers['x-backend'], 'a');
  // The scheme header asks for TLS, which the plain backend cannot speak: the proxy tried https.
  assert.equal((await request(`${p.url}/scheme-hdr`, { headers: { 'x-scheme': 'https' } })).status, 502);
});

test('roundRobin spreads over every endpoint; a refusing endpoint costs no failed request', async (t) => {
  const bs = await three(t);
  const p = await startProxy(t, `
    rr: Path("/rr") -> <roundRobin, ${bs.map((b) => `"${b.url}"`).join(', ')}>;
    dead: Path("/dead") -> <roundRobin, "${bs[0]!.url}", "http://127.0.0.1:1", "${bs[1]!.url}">;
  `);
  const seen: unknown[] = [];
  for (let i = 0; i < 9; i++) {
    const r = await request(`${p.url}/rr`, { headers: { host: 'public.example' } });
    seen.push(r.headers['x-backend']);
    assert.equal(echoed(r).headers.host, bs.find((b) => b.name === r.headers['x-backend'])!.host, 'each endpoint gets its own Host');
  }
  assert.deepEqual(counts(seen), { a: 3, b: 3, c: 3 });
  for (let i = 0; i < 12; i++) assert.equal((await request(`${p.url}/dead`)).status, 200);
});

test('consistentHash: the same consistentHashKey always reaches the same endpoint; keys spread', async (t) => {
  const bs = await three(t);
  const eps = bs.map((b) => `"${b.url}"`).join(', ');
  const p = await startProxy(t, `
    keyed: Path("/keyed") -> consistentHashKey("\${request.header.X-User}") -> <consistentHash, ${eps}>;
    client: Path("/client") -> <consistentHash, ${eps}>;
  `);
  const chosen = new Map<string, unknown>();
  for (let round = 0; round < 3; round++) {
    for (let u = 0; u < 20; u++) {
      const got = (await request(`${p.url}/keyed`, { headers: { 'x-user': `user-${u}` } })).headers['x-backend'];
      if (round === 0) chosen.set(`user-${u}`, got);
      else assert.equal(got, chosen.get(`user-${u}`), `user-${u} moved`);
    }
  }
  assert.ok(new Set(chosen.values()).size >= 2, 'twenty keys do not all land on one endpoint');
  // Without a key, the client (first X-Forwarded-For entry, else the peer address) is the key.
  const byClient = new Set<unknown>();
  for (let i = 0; i < 5; i++) byClient.add((await request(`${p.url}/client`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).headers['x-backend']);
  assert.equal(byClient.size, 1);
});

test('consistentHashBalanceFactor moves a key off an endpoint that is over its share of in-flight requests', async (t) => {
  let release: () => void = () => {};
  let held = Promise.resolve();
  const hold = (): void => void (held = new Promise<void>((r) => (release = r)));
  const bs = await Promise.all(['a', 'b', 'c'].map((n, i) =>
    backend(t, n, (req, res) => void held.then(() => echo(n)(req, res)), `127.0.0.${i + 1}`)));
  const eps = bs.map((b) => `"${b.url}"`).join(', ');
  const p = await startProxy(t, `
    plain: Path("/plain") -> consistentHashKey("same") -> <consistentHash, ${eps}>;
    bounded: Path("/bounded") -> consistentHashKey("same") -> consistentHashBalanceFactor(1.25) -> <consistentHash, ${eps}>;
  `);
  const arrived = (): number => bs.reduce((n, b) => n + b.received.length, 0);
  /** Sends `n` requests, each once the previous one is held at its backend; resolves with the backends chosen. */
  const burst = async (path: string, n: number): Promise<unknown[]> => {
    hold();
    const out: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      const before = arrived();
      out.push(request(p.url + path).then((r) => r.headers['x-backend']));
      await until(() => arrived() === before + 1, 'the request at its backend');
    }
    release();
    return Promise.all(out);
  };
  const plain = await burst('/plain', 3);
  assert.equal(new Set(plain).size, 1, 'without a bound the key always goes to its endpoint');
  const bounded = await burst('/bounded', 2);
  assert.equal(bounded[0], plain[0]);
  // One request in flight there is above 1.25 x the average of (1 + 1) / 3: the next one moves along the ring.
  assert.notEqual(bounded[1], plain[0]);
});

test('fadeIn + endpointCreated: a freshly created endpoint gets a small share, then a full one', async (t) => {
  const [a, b] = await three(t);
  // Seconds, in the past (a creation time in the future is ignored as clock skew).
  const created = Math.floor(Date.now() / 1000) - 60;
  let now = created * 1000 - 2 * 3600_000;
  const endpoints = new EndpointRegistry(() => now);
  t.after(() => endpoints.close());
  const p = await startProxy(t, `r: * -> fadeIn("1h") -> endpointCreated("${b!.host}", ${created}) -> <roundRobin, "${a!.url}", "${b!.url}">;`,
    { proxy: { endpoints } });
  const batch = async (n: number): Promise<Record<string, number>> => {
    const names: unknown[] = [];
    for (let i = 0; i < n; i += 10) {
      const rs = await Promise.all(Array.from({ length: 10 }, () => request(p.url)));
      for (const r of rs) names.push(r.headers['x-backend']);
    }
    return counts(names);
  };
  // The first request makes the registry see a as old (two hours) and b as created at `created`.
  assert.equal((await request(p.url)).status, 200);
  now = created * 1000 + 36_000; // b is 1% into its fade-in: about 0.5% of requests expected
  const early = await batch(200);
  assert.ok((early.b ?? 0) <= 20, `early: ${JSON.stringify(early)}`);
  now = created * 1000 + 2 * 3600_000; // fade-in over: round robin halves the traffic
  const late = await batch(100);
  assert.ok((late.b ?? 0) >= 40, `late: ${JSON.stringify(late)}`);
});

test('endpoint statistics outlive a route update: only the endpoint new in the next generation fades in', async (t) => {
  const [a, b] = await three(t);
  let now = Date.parse('2030-01-01T00:00:00Z');
  const endpoints = new EndpointRegistry(() => now);
  t.after(() => endpoints.close());
  const p = await startProxy(t, `r: * -> fadeIn("1h") -> <roundRobin, "${a!.url}">;`, { proxy: { endpoints } });
  assert.equal((await request(p.url)).headers['x-backend'], 'a');
  now += 2 * 3600_000;
  p.swap(`r: * -> fadeIn("1h") -> <roundRobin, "${a!.url}", "${b!.url}">;`);
  assert.equal((await request(p.url)).status, 200, 'the new generation is observed: b is first seen now');
  now += 36_000;
  const names: unknown[] = [];
  for (let i = 0; i < 20; i++) {
    const rs = await Promise.all(Array.from({ length: 10 }, () => request(p.url)));
    for (const r of rs) names.push(r.headers['x-backend']);
  }
  const c = counts(names);
  // Had the update reset the statistics, a would be fading in as well and both would share the traffic.
  assert.ok((c.b ?? 0) <= 20, JSON.stringify(c));
});

test('backendTimeout: 504 when the backend does not answer in time; a stalled body truncates the response', async (t) => {
  const silent = await backend(t, 'silent', () => {});
  const stall = await backend(t, 'stall', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('partial');
  });
  const p = await startProxy(t, `
    silent: Path("/silent") -> backendTimeout("100ms") -> "${silent.url}";
    stall: Path("/stall") -> backendTimeout("100ms") -> "${stall.url}";
  `);
  const r = await request(`${p.url}/silent`);
  assert.deepEqual([r.status, r.text], [504, 'Gateway Timeout\n']);
  assert.ok(p.logs.some((l) => l.level === 'error' && /timed out|did not answer/.test(l.message)));

  let body = '';
  const outcome = await new Promise<string>((resolve) => {
    http.get(`${p.url}/stall`, { agent: false }, (res) => {
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve('complete'));
      res.on('aborted', () => resolve('aborted'));
      res.on('error', () => resolve('aborted'));
    }).on('error', () => resolve('aborted'));
  });
  assert.equal(outcome, 'aborted', 'the client must not take a truncated body for a complete one');
  assert.equal(body, 'partial');
  await until(() => stall.received.length === 1, 'the stalled request at the backend');
});
