import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, startSkipjack, until } from './harness.ts';

test('-routes-urls: routes from a remote eskip document, polled with ETag', async (t) => {
  let version = 1;
  const conditional: string[] = [];
  const server = await startBackend(t, (req, res) => {
    const etag = `"v${version}"`;
    if (req.headers['if-none-match'] === etag) {
      conditional.push(etag);
      return res.writeHead(304).end();
    }
    res.writeHead(200, { etag }).end(`r: Path("/x") -> status(${200 + version}) -> <shunt>;`);
  });
  const sj = await startSkipjack(t, [`-routes-urls=${server.url}/routes`, '-source-poll-timeout=400']);
  assert.equal((await fetch(`${sj.base}/x`)).status, 201);
  await until(() => conditional.length >= 2, 'conditional polls answered 304');
  version = 2;
  await until(async () => (await fetch(`${sj.base}/x`)).status === 202, 'the new remote version served');
});
