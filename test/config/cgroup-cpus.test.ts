/** The -workers default from the cgroup CPU quota, read from fixture cgroup trees in a temp dir. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cgroupCpuLimit, defaultWorkerCount } from '../../src/config/cgroup-cpus.ts';

function cgroupTree(t: TestContext, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'skj-cgroup-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

test('cgroup v2 cpu.max: a quota of 2 CPUs on a 64-CPU node gives 2 workers', (t) => {
  const root = cgroupTree(t, { 'cpu.max': '200000 100000\n' });
  assert.equal(cgroupCpuLimit(root), 2);
  assert.equal(defaultWorkerCount({ root, cpus: 64 }), 2);
});

test('cgroup v2 cpu.max "max": no quota, the CPU count', (t) => {
  const root = cgroupTree(t, { 'cpu.max': 'max 100000\n' });
  assert.equal(cgroupCpuLimit(root), null);
  assert.equal(defaultWorkerCount({ root, cpus: 8 }), 8);
});

test('fractions round down, and never below one worker', (t) => {
  assert.equal(defaultWorkerCount({ root: cgroupTree(t, { 'cpu.max': '150000 100000' }), cpus: 64 }), 1);
  assert.equal(defaultWorkerCount({ root: cgroupTree(t, { 'cpu.max': '50000 100000' }), cpus: 64 }), 1);
  assert.equal(defaultWorkerCount({ root: cgroupTree(t, { 'cpu.max': '350000 100000' }), cpus: 64 }), 3);
});

test('a quota above the CPU count is capped at the CPU count', (t) => {
  assert.equal(defaultWorkerCount({ root: cgroupTree(t, { 'cpu.max': '1600000 100000' }), cpus: 4 }), 4);
});

test('cgroup v1 cfs quota and period, under cpu or cpu,cpuacct', (t) => {
  const v1 = cgroupTree(t, { 'cpu/cpu.cfs_quota_us': '300000\n', 'cpu/cpu.cfs_period_us': '100000\n' });
  assert.equal(cgroupCpuLimit(v1), 3);
  assert.equal(defaultWorkerCount({ root: v1, cpus: 32 }), 3);
  const joined = cgroupTree(t, { 'cpu,cpuacct/cpu.cfs_quota_us': '400000', 'cpu,cpuacct/cpu.cfs_period_us': '200000' });
  assert.equal(defaultWorkerCount({ root: joined, cpus: 32 }), 2);
});

test('cgroup v1 quota -1 means none', (t) => {
  const root = cgroupTree(t, { 'cpu/cpu.cfs_quota_us': '-1', 'cpu/cpu.cfs_period_us': '100000' });
  assert.equal(cgroupCpuLimit(root), null);
  assert.equal(defaultWorkerCount({ root, cpus: 6 }), 6);
});

test('no cgroup files, or garbage in them: the CPU count', (t) => {
  assert.equal(defaultWorkerCount({ root: cgroupTree(t, {}), cpus: 5 }), 5);
  assert.equal(defaultWorkerCount({ root: cgroupTree(t, { 'cpu.max': 'lots often' }), cpus: 5 }), 5);
  assert.equal(defaultWorkerCount({ root: join(tmpdir(), 'skj-no-such-cgroup-root'), cpus: 5 }), 5);
});

test('the -workers default is the cgroup-aware count of this machine', async () => {
  const { flagTable } = await import('../../src/config/table.ts');
  assert.equal(flagTable.workers.default, defaultWorkerCount());
});
