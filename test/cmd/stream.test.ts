import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { builtCommand, startBackend, startSkipjack } from './harness.ts';

const GiB = 1024 ** 3;
const CHUNK = Buffer.alloc(1 << 20, 0x61);

function vmHwmBytes(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

function body(total: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return this.push(null);
      sent += CHUNK.length;
      this.push(CHUNK);
    },
  });
}

test('a 1 GiB upload and a 1 GiB download stream through with RSS under 200 MB', { timeout: 300_000 }, async (t) => {
  const backend = await startBackend(t, (req, res) => {
    if (req.method === 'POST') {
      let n = 0;
      req.on('data', (d: Buffer) => (n += d.length)).on('end', () => res.end(String(n)));
    } else {
      res.writeHead(200, { 'content-length': GiB });
      pipeline(body(GiB), res).catch(() => {});
    }
  });
  const sj = await startSkipjack(t, [`-inline-routes=r: * -> "${backend.url}";`, '-write-timeout-server=0', '-access-log-disabled'], { command: builtCommand() });
  const { port } = new URL(sj.base);

  const uploaded = await new Promise<string>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/up', headers: { 'content-length': GiB } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d)).on('end', () => resolve(text));
    }).on('error', reject);
    pipeline(body(GiB), req).catch(reject);
  });
  assert.equal(uploaded, String(GiB));

  const downloaded = await new Promise<number>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: '/down' }, (res) => {
      let n = 0;
      res.on('data', (d: Buffer) => (n += d.length)).on('end', () => resolve(n)).on('error', reject);
    }).on('error', reject).end();
  });
  assert.equal(downloaded, GiB);

  const hwm = vmHwmBytes(sj.proc.pid!);
  t.diagnostic(`skipjack VmHWM ${(hwm / 1e6).toFixed(1)} MB`);
  assert.ok(hwm < 200e6, `VmHWM ${hwm} bytes`);
});
