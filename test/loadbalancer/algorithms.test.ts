import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createLoadBalancer, lbAlgorithms, type Balancer, type LbEndpoint, type LbRequest } from '../../src/loadbalancer/index.ts';
import { InvalidArgsError } from '../../src/errors.ts';

const ADDRS = ['http://10.0.0.1:80', 'http://10.0.0.2:80', 'http://10.0.0.3:80'];

function req(key = '1.2.3.4', load: Map<LbEndpoint, number> = new Map(), balanceFactor?: number): LbRequest {
  return { hashKey: key, balanceFactor, inflight: (ep) => load.get(ep) ?? 0 };
}

function counts(b: Balancer, n: number, r: (i: number) => LbRequest, candidates = b.parsed): number[] {
  const c = new Array<number>(b.parsed.length).fill(0);
  for (let i = 0; i < n; i++) c[b.choose(candidates, r(i)).index]!++;
  return c;
}

// One behavioural suite that every algorithm must pass.
for (const algorithm of lbAlgorithms) {
  describe(`LB compliance: ${algorithm}`, () => {
    const b = createLoadBalancer(algorithm, ADDRS) as Balancer;

    test('names itself and keeps the endpoints', () => {
      assert.equal(b.algorithm, algorithm);
      assert.deepEqual(b.endpoints, ADDRS);
      assert.deepEqual(b.parsed.map((e) => e.host), ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80']);
    });

    test('a single candidate is always chosen', () => {
      for (let i = 0; i < 50; i++) assert.equal(b.choose([b.parsed[1]!], req(`k${i}`)), b.parsed[1]);
    });

    test('never chooses outside the candidates', () => {
      const cands = [b.parsed[0]!, b.parsed[2]!];
      const c = counts(b, 600, (i) => req(`key-${i}`), cands);
      assert.equal(c[1], 0);
      assert.ok(c[0]! > 0 && c[2]! > 0, `both candidates used: ${c}`);
    });

    test('spreads distinct keys over every endpoint', () => {
      const c = counts(b, 3000, (i) => req(`client-${i}`));
      for (const n of c) assert.ok(n > 3000 * 0.2, `each endpoint gets >20%: ${c}`);
    });
  });
}

test('roundRobin visits every endpoint equally', () => {
  const b = createLoadBalancer('roundRobin', ADDRS) as Balancer;
  assert.deepEqual(counts(b, 300, () => req()), [100, 100, 100]);
});

test('an LB backend without an algorithm is round robin, as in Skipper', () => {
  assert.equal(createLoadBalancer('', ADDRS).algorithm, 'roundRobin');
});

test('consistentHash: same key, same endpoint; removing one endpoint moves only its keys', () => {
  const b = createLoadBalancer('consistentHash', ADDRS) as Balancer;
  const before = new Map<string, number>();
  for (let i = 0; i < 500; i++) before.set(`k${i}`, b.choose(b.parsed, req(`k${i}`)).index);
  for (const [k, idx] of before) assert.equal(b.choose(b.parsed, req(k)).index, idx);
  const without1 = [b.parsed[0]!, b.parsed[2]!];
  for (const [k, idx] of before) {
    const now = b.choose(without1, req(k)).index;
    if (idx !== 1) assert.equal(now, idx, `key ${k} stays on its endpoint`);
    else assert.notEqual(now, 1);
  }
});

test('consistentHash with a balance factor passes over an overloaded endpoint', () => {
  const b = createLoadBalancer('consistentHash', ADDRS) as Balancer;
  const home = b.choose(b.parsed, req('user-42'));
  const load = new Map([[home, 10]]);
  assert.equal(b.choose(b.parsed, req('user-42', load)), home, 'without a factor the key stays home');
  assert.notEqual(b.choose(b.parsed, req('user-42', load, 1.25)), home);
  assert.equal(b.choose(b.parsed, req('user-42', new Map(), 1.25)), home, 'unloaded: home again');
});

test('powerOfRandomNChoices avoids the loaded endpoint', () => {
  const b = createLoadBalancer('powerOfRandomNChoices', ADDRS) as Balancer;
  const load = new Map([[b.parsed[0]!, 50]]);
  const c = counts(b, 3000, () => req('x', load));
  // Endpoint 0 only wins when both random picks are it: 1/9 of the time.
  assert.ok(c[0]! < 3000 * 0.2, `loaded endpoint rarely chosen: ${c}`);
});

test('unknown algorithm, no endpoints and bad endpoints are InvalidArgsError', () => {
  assert.throws(() => createLoadBalancer('leastConn', ADDRS), (e) => e instanceof InvalidArgsError && /leastConn/.test(e.message));
  assert.throws(() => createLoadBalancer('random', []), InvalidArgsError);
  assert.throws(() => createLoadBalancer('random', ['ftp://x']), (e) => e instanceof InvalidArgsError && /ftp:\/\/x/.test(e.message));
  assert.throws(() => createLoadBalancer('random', ['not a url']), InvalidArgsError);
});
