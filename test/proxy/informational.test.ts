/**
 * An informational response the backend sends unasked (a `100 Continue` to a request without
 * `Expect: 100-continue`, a `102 Processing`) is passed over and the final response relayed, as nginx does
 * (issue 11, item 9).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { get, startProxy } from './harness.ts';

/** A raw backend writing `prefix` before a 200 to every request. */
async function rawBackend(t: import('node:test').TestContext, prefix: string): Promise<string> {
  const sockets: net.Socket[] = [];
  const s = net.createServer((c) => {
    sockets.push(c);
    let buf = '';
    c.on('data', (d) => {
      buf += d.toString('latin1');
      while (buf.includes('\r\n\r\n')) {
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        c.write(`${prefix}HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Final: yes\r\n\r\nfinal`);
      }
    });
    c.on('error', () => {});
  });
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  t.after(() => {
    for (const c of sockets) c.destroy();
    s.close();
  });
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

for (const [name, prefix] of [
  ['an unsolicited 100 Continue', 'HTTP/1.1 100 Continue\r\n\r\n'],
  ['two 100 Continue', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n'],
  ['102 Processing', 'HTTP/1.1 102 Processing\r\n\r\n'],
  ['103 Early Hints', 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n'],
]) {
  test(`${name} from the backend is passed over; the final 200 is relayed`, async (t) => {
    const be = await rawBackend(t, prefix);
    const { url } = await startProxy(t, [{ id: 'r', backend: be }]);
    for (const method of ['GET', 'POST']) {
      const r = await get(`${url}/x`, { method, body: method === 'POST' ? 'hello' : undefined });
      assert.deepEqual([r.status, r.body, r.headers['x-final']], [200, 'final', 'yes'], method);
    }
  });
}
