/**
 * The node flags skipjack runs with (src/lifecycle/node-flags.ts): the start flags only work on the node
 * command line, so every launcher must pass them — the command's shebang (npm's bin link runs the file), the
 * container image's wrapper, `npm start` — and -workers hands them to its workers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { startFlags, withStartFlags } from '../../src/lifecycle/index.ts';
import { ROOT, startSkipjack } from './harness.ts';

// The shebang names `node`: the Node this test runs on comes first in PATH (the machines ship an older one).
process.env['PATH'] = `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}`;

const cmdline = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
const childrenOf = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter((s) => s !== '').map(Number);

test('withStartFlags adds the start flags a command line lacks and keeps an operator\'s own value', () => {
  assert.ok(startFlags.length > 0);
  assert.deepEqual(withStartFlags(['--inspect']), ['--inspect', ...startFlags]);
  const own = startFlags.map((f) => `${f.split('=')[0]}=99`);
  assert.deepEqual(withStartFlags(own), own);
  assert.deepEqual(withStartFlags([...startFlags]), [...startFlags]);
});

test('the shebang, the container image\'s wrapper and npm start pass every start flag', () => {
  const shebang = readFileSync(join(ROOT, 'src/cmd/skipjack.ts'), 'utf8').split('\n', 1)[0]!;
  const docker = readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8');
  const wrapper = docker.split('\n').find((l) => l.includes('exec node'));
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start']!;
  for (const f of startFlags) {
    assert.ok(shebang.split(/\s+/).includes(f), `shebang ${shebang} lacks ${f}`);
    assert.ok(wrapper !== undefined && wrapper.includes(` ${f} `), `deploy/Dockerfile's wrapper lacks ${f}`);
    assert.ok(start.split(/\s+/).includes(f), `npm start (${start}) lacks ${f}`);
  }
});

test('started through its shebang, skipjack and its workers run with the start flags', async (t) => {
  // As the kernel runs the file: the interpreter, the rest of the line as one argument, then the file.
  const shebang = readFileSync(join(ROOT, 'src/cmd/skipjack.ts'), 'utf8').split('\n', 1)[0]!;
  const m = /^#!(\S+)\s+(.+)$/.exec(shebang);
  assert.ok(m !== null, shebang);
  const s = await startSkipjack(t, ['-inline-routes=r: * -> status(204) -> <shunt>;'], { command: [m[1]!, m[2]!.trim(), 'src/cmd/skipjack.ts'], workers: 2 });
  assert.equal((await fetch(`${s.base}/`)).status, 204);
  const primary = cmdline(s.proc.pid!);
  const workers = childrenOf(s.proc.pid!);
  assert.equal(workers.length, 2);
  for (const f of startFlags) {
    assert.ok(primary.includes(f), `primary: ${primary.join(' ')}`);
    for (const w of workers) assert.ok(cmdline(w).includes(f), `worker: ${cmdline(w).join(' ')}`);
  }
});

test('-workers gives its workers the start flags when the primary was started without them', async (t) => {
  const s = await startSkipjack(t, ['-inline-routes=r: * -> status(204) -> <shunt>;'], { command: [process.execPath, 'src/cmd/skipjack.ts'], workers: 2 });
  assert.equal((await fetch(`${s.base}/`)).status, 204);
  const primary = cmdline(s.proc.pid!);
  const workers = childrenOf(s.proc.pid!);
  assert.equal(workers.length, 2);
  for (const f of startFlags) {
    assert.ok(!primary.includes(f), `primary: ${primary.join(' ')}`);
    for (const w of workers) assert.ok(cmdline(w).includes(f), `worker: ${cmdline(w).join(' ')}`);
  }
});
