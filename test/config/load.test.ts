import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/config/errors.ts';

function failsWith(argv: string[], pattern: RegExp): void {
  assert.throws(() => loadConfig(argv), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

test('defaults are Skipper\'s', () => {
  const c = loadConfig([]);
  assert.equal(c.address, ':9090');
  assert.equal(c.supportListener, ':9911');
  assert.equal(c.timeoutBackend, 60_000);
  assert.equal(c.readTimeoutServer, 300_000);
  assert.equal(c.waitForHealthcheckInterval, 45_000);
  assert.equal(c.maxLoopbacks, 9);
  assert.equal(c.sourcePollTimeout, 3000);
  assert.equal(c.kubernetesIngressClass, 'skipper');
  assert.equal(c.kubernetesHttpsRedirectCode, 308);
  assert.equal(c.applicationLogLevel, 'INFO');
  assert.ok(c.workers >= 1);
});

test('one or two dashes, = or separate value, booleans without value', () => {
  const c = loadConfig(['-address=:1', '--support-listener', ':2', '--proxy-preserve-host', '-access-log-disabled=false',
    '-timeout-backend', '1m30s', '-routes-urls=http://a/x,http://b/y', '-workers=3']);
  assert.equal(c.address, ':1');
  assert.equal(c.supportListener, ':2');
  assert.equal(c.proxyPreserveHost, true);
  assert.equal(c.accessLogDisabled, false);
  assert.equal(c.timeoutBackend, 90_000);
  assert.deepEqual(c.routesUrls, ['http://a/x', 'http://b/y']);
  assert.equal(c.workers, 3);
});

test('repeatable and map flags accumulate', () => {
  const c = loadConfig(['-kubernetes-annotation-predicates', 'a=b=Foo()', '-kubernetes-annotation-predicates=c=d=Bar()',
    '-passive-health-check=period=1s,min-requests=10', '-passive-health-check=max-drop-probability=0.9', '-kubernetes-ingresses-label-selector', 'team=x']);
  assert.deepEqual(c.kubernetesAnnotationPredicates, ['a=b=Foo()', 'c=d=Bar()']);
  assert.deepEqual(c.passiveHealthCheck, { period: '1s', 'min-requests': '10', 'max-drop-probability': '0.9' });
  assert.deepEqual(c.kubernetesIngressesLabelSelector, { team: 'x' });
});

test('an unknown flag or a bad value is one line naming it', () => {
  failsWith(['-no-such-flag'], /flag provided but not defined: -no-such-flag/);
  failsWith(['--no-such-flag=1'], /-no-such-flag/);
  failsWith(['-timeout-backend=10'], /-timeout-backend.*duration/);
  failsWith(['-workers', 'many'], /"many".*-workers/);
  failsWith(['-workers=0'], /-workers/);
  failsWith(['-proxy-preserve-host=maybe'], /-proxy-preserve-host/);
  failsWith(['-address'], /flag needs an argument: -address/);
  failsWith(['stray'], /unexpected argument "stray"/);
  failsWith(['-application-log-level=LOUD'], /-application-log-level/);
  failsWith(['-default-filters-prepend=setPath('], /-default-filters-prepend/);
  failsWith(['-tls-cert=a.pem'], /-tls-key/);
  failsWith(['-kubernetes-path-mode=nope'], /-kubernetes-path-mode/);
  failsWith(['-passive-health-check=period=1s'], /-passive-health-check.*min-requests/);
  failsWith(['-passive-health-check=period=1s,min-requests=1,max-drop-probability=2'], /max-drop-probability/);
});

test('Skipper\'s swarm and rate limit flags are accepted', () => {
  const c = loadConfig(['-enable-swarm', '-swarm-redis-urls=127.0.0.1:6379,127.0.0.1:6380', '-enable-ratelimits',
    '-ratelimits=type=client,max-hits=10,time-window=1m', '-swarm-redis-dial-timeout=100ms', '-metrics-flavour=prometheus']);
  assert.equal(c.enableSwarm, true);
  assert.deepEqual(c.swarmRedisUrls, ['127.0.0.1:6379', '127.0.0.1:6380']);
  assert.deepEqual(c.ratelimits, ['type=client,max-hits=10,time-window=1m']);
  assert.equal(c.swarmRedisDialTimeout, 100);
});

test('-config-file YAML with the same keys; flags override it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skj-cfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'c.yaml');
  writeFileSync(file, [
    'address: ":7000"', 'support-listener: ":7001"', 'timeout-backend: 5s', 'proxy-preserve-host: yes',
    'routes-urls: [http://a/r, http://b/r]', 'kubernetes-annotation-predicates: ["a=b=Foo()"]',
    'passive-health-check: {period: 1s, min-requests: 5, max-drop-probability: 0.5}', 'max-loopbacks: 3', '',
  ].join('\n'));
  const c = loadConfig(['-config-file', file, '-address=:8000']);
  assert.equal(c.address, ':8000');
  assert.equal(c.supportListener, ':7001');
  assert.equal(c.timeoutBackend, 5000);
  assert.equal(c.proxyPreserveHost, true);
  assert.deepEqual(c.routesUrls, ['http://a/r', 'http://b/r']);
  assert.deepEqual(c.kubernetesAnnotationPredicates, ['a=b=Foo()']);
  assert.deepEqual(c.passiveHealthCheck, { period: '1s', 'min-requests': '5', 'max-drop-probability': '0.5' });
  assert.equal(c.maxLoopbacks, 3);

  writeFileSync(file, 'adress: ":1"\n');
  failsWith(['-config-file', file], /unknown key "adress"/);
  writeFileSync(file, 'timeout-backend: soon\n');
  failsWith(['-config-file', file], /key "timeout-backend"/);
  failsWith(['-config-file', join(dir, 'missing.yaml')], /missing\.yaml/);
});
