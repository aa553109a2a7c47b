import { test } from 'node:test';
import assert from 'node:assert/strict';
import { service, ServiceRunner, ServiceStartError, type Service } from '../../src/lifecycle/index.ts';

/** A service that records its start and stop in `log`; `fail` makes start reject. */
function recorded(name: string, log: string[], o: { fail?: boolean; ready?: () => boolean } = {}): Service {
  return service(name, () => {
    log.push(`start ${name}`);
    if (o.fail) throw new Error(`${name} cannot bind`);
  }, () => {
    log.push(`stop ${name}`);
  }, o.ready);
}

test('starts in order and stops in reverse', async () => {
  const log: string[] = [];
  const r = new ServiceRunner([recorded('a', log), recorded('b', log), recorded('c', log)]);
  await r.start();
  await r.stop();
  assert.deepEqual(log, ['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
});

test('a service that fails to start is named, the ones before it are stopped in reverse, later ones never start', async () => {
  const log: string[] = [];
  const r = new ServiceRunner([recorded('a', log), recorded('b', log), recorded('listener', log, { fail: true }), recorded('d', log)]);
  const err = await r.start().then(() => null, (e: unknown) => e);
  assert.ok(err instanceof ServiceStartError);
  assert.equal(err.service, 'listener');
  assert.equal(err.code, 'SKJ_ERR_LIFECYCLE_START');
  assert.match(err.message, /^listener: listener cannot bind$/);
  assert.deepEqual(log, ['start a', 'start b', 'start listener', 'stop listener', 'stop b', 'stop a']);
});

test('ready once every service started and each reporting readiness is ready; not ready once stopping', async () => {
  let warm = false;
  const r = new ServiceRunner([recorded('a', []), recorded('b', [], { ready: () => warm })]);
  assert.equal(r.ready(), false, 'before start');
  await r.start();
  assert.equal(r.ready(), false, 'b not ready yet');
  warm = true;
  assert.equal(r.ready(), true);
  await r.stop();
  assert.equal(r.ready(), false, 'after stop');
});

test('stop runs once for every caller, and a service failing to stop does not keep the others running', async () => {
  const log: string[] = [];
  const failures: string[] = [];
  const broken: Service = { name: 'broken', start: async () => {}, stop: async () => { throw new Error('stuck'); } };
  const r = new ServiceRunner([recorded('a', log), broken, recorded('c', log)], { onStopError: (name, e) => failures.push(`${name}: ${(e as Error).message}`) });
  await r.start();
  await Promise.all([r.stop(), r.stop()]);
  assert.deepEqual(log, ['start a', 'start c', 'stop c', 'stop a']);
  assert.deepEqual(failures, ['broken: stuck']);
});

test('a stop requested while a service is starting stops it once it is up, and starts no more', async () => {
  const log: string[] = [];
  let release!: () => void;
  const slow = service('slow', () => new Promise<void>((res) => (release = res)).then(() => void log.push('start slow')), () => void log.push('stop slow'));
  const r = new ServiceRunner([recorded('a', log), slow, recorded('c', log)]);
  const starting = r.start();
  await new Promise((res) => setImmediate(res));
  const stopping = r.stop();
  release();
  await starting;
  await stopping;
  assert.deepEqual(log, ['start a', 'stop a', 'start slow', 'stop slow']);
});

test('two services with one name are refused', () => {
  assert.throws(() => new ServiceRunner([recorded('x', []), recorded('x', [])]), /listed twice/);
});
