import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { once } from 'node:events';
import { runSkipjack, startSkipjack, until } from './harness.ts';

function everyLineJson(stderr: string): Record<string, unknown>[] {
  const lines = stderr.split('\n').filter((l) => l !== '');
  assert.ok(lines.length > 0, 'no output');
  return lines.map((l) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      assert.fail(`not a JSON line: ${l}`);
    }
  });
}

function rawRequest(base: string, text: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const s = connect(Number(port), hostname, () => s.end(text));
    let out = '';
    s.setEncoding('utf8').on('data', (d) => (out += d)).on('close', () => resolve(out)).on('error', reject);
  });
}

test('JSON mode: a bad route, client requests good and bad, and shutdown all log JSON lines only', async (t) => {
  const sj = await startSkipjack(t, ['-application-log-json-enabled', '-access-log-json-enabled', '-wait-for-healthcheck-interval=0s',
    '-inline-routes=ok: Path("/ok") -> inlineContent("fine") -> <shunt>; broken: Path("/b") -> noSuchFilter() -> <shunt>;']);
  const r = await fetch(`${sj.base}/ok`, { headers: { 'x-forwarded-for': '10.9.8.7, 10.0.0.1' } });
  assert.equal(await r.text(), 'fine');
  assert.equal((await fetch(`${sj.base}/nothing`)).status, 404);
  assert.match(await rawRequest(sj.base, 'GET /x HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n'), /^HTTP\/1\.1 400/);
  await until(() => /"status":404/.test(sj.stderr()), 'the 404 access log line');
  sj.proc.kill('SIGTERM');
  await sj.exited;
  const lines = everyLineJson(sj.stderr());
  assert.ok(lines.some((l) => /noSuchFilter/.test(String(l.msg)) && (l.level === 'warning' || l.level === 'error')), 'the bad route is logged');
  const access = lines.find((l) => l.uri === '/ok');
  assert.equal(access?.host, '10.9.8.7, 10.0.0.1', 'the client field follows X-Forwarded-For');
});

test('JSON mode: flag errors and fatal start-up errors are JSON lines too', async (t) => {
  const badFlag = await runSkipjack(['-application-log-json-enabled', '-no-such-flag=1']);
  assert.notEqual(badFlag.code, 0);
  const [flagLine] = everyLineJson(badFlag.stderr);
  assert.equal(flagLine!.level, 'fatal');
  assert.match(String(flagLine!.msg), /no-such-flag/);

  // Text mode stays text: the same error without the flag.
  assert.match((await runSkipjack(['-no-such-flag=1'])).stderr, /^skipjack: .*no-such-flag/);

  const taken = createServer();
  taken.listen(0, '127.0.0.1');
  await once(taken, 'listening');
  t.after(() => taken.close());
  const port = (taken.address() as import('node:net').AddressInfo).port;
  const fatal = await runSkipjack(['-application-log-json-enabled', `-address=127.0.0.1:${port}`, '-support-listener=', '-workers=1', '-inline-routes=r: * -> <shunt>;']);
  assert.notEqual(fatal.code, 0);
  const lines = everyLineJson(fatal.stderr);
  assert.ok(lines.some((l) => l.level === 'fatal' && /EADDRINUSE|in use/i.test(String(l.msg))), fatal.stderr);
});
