// The logs (src/log) as the server writes them; kept with the server tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createAppLogger } from '../../src/log/app-log.ts';
import { apacheDate, formatCombined, formatJson, type AccessEntry } from '../../src/log/access-log.ts';

function sink(): { out: Writable; text: () => string } {
  let text = '';
  return { out: new Writable({ write(c, _e, cb) { text += String(c); cb(); } }), text: () => text };
}

const entry: AccessEntry = {
  method: 'GET', uri: '/a?b=1', httpVersion: '1.1', host: 'example.org', remoteAddress: '10.1.2.3', userAgent: 'ua/1',
  referer: '', status: 200, bytes: 42, startTime: Date.UTC(2024, 0, 2, 3, 4, 5), durationMs: 12.7,
};

test('combined access log: Apache fields plus Skipper\'s duration, host, flow id, audit', () => {
  assert.equal(formatCombined(entry), `10.1.2.3 - - [${apacheDate(entry.startTime)}] "GET /a?b=1 HTTP/1.1" 200 42 "-" "ua/1" 12 example.org - -\n`);
  assert.match(apacheDate(entry.startTime), /^\d\d\/Jan\/2024:\d\d:\d\d:\d\d [+-]\d{4}$/);
});

test('JSON access log carries the same fields', () => {
  const j = JSON.parse(formatJson({ ...entry, flowId: 'f1' })) as Record<string, unknown>;
  assert.equal(j.status, 200);
  assert.equal(j['response-size'], 42);
  assert.equal(j['requested-host'], 'example.org');
  assert.equal(j.host, '10.1.2.3');
  assert.equal(j.duration, 12);
  assert.equal(j['flow-id'], 'f1');
  assert.equal(j.proto, 'HTTP/1.1');
});

test('application log: level filter, logrus text and JSON', async () => {
  const text = sink();
  const log = createAppLogger({ level: 'WARN', json: false, out: text.out });
  log.info('hidden');
  log.warn('shown "quoted"', { route: 'r1' });
  log.error('bad');
  await new Promise((r) => setImmediate(r));
  assert.doesNotMatch(text.text(), /hidden/);
  assert.match(text.text(), /^\[APP\]time="[^"]+" level=warning msg="shown \\"quoted\\"" route=r1$/m);
  assert.match(text.text(), /level=error msg="bad"/);

  const json = sink();
  const jlog = createAppLogger({ level: 'debug', json: true, out: json.out });
  jlog.debug('d', { n: 1 });
  await new Promise((r) => setImmediate(r));
  const line = JSON.parse(json.text()) as Record<string, unknown>;
  assert.deepEqual([line.level, line.msg, line.n], ['debug', 'd', 1]);
});

test('log batches stay within one atomic pipe write and keep every line whole', async () => {
  const { createLineWriter } = await import('../../src/log/line-writer.ts');
  const chunks: string[] = [];
  const w = createLineWriter(new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } }));
  const lines = Array.from({ length: 200 }, (_, i) => `${String(i).padStart(3, '0')} ${'é'.repeat(60)}\n`);
  for (const l of lines) w.write(l);
  await new Promise((r) => setImmediate(r));
  assert.ok(chunks.length > 1);
  for (const c of chunks) {
    assert.ok(Buffer.byteLength(c) <= 4096, `${Buffer.byteLength(c)} bytes`);
    assert.ok(c.endsWith('\n'));
  }
  assert.equal(chunks.join(''), lines.join(''));
});
