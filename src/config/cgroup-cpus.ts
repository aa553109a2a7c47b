/**
 * The default of `-workers`: the container's CPU quota when its cgroup sets one, else the CPU count. Node's
 * availableParallelism() sees the node's CPUs (only the affinity mask narrows it), so on a 64-core node a pod
 * limited to 2 CPUs and 1 GiB would fork 64 workers and be OOM-killed; Go (and so Skipper) sizes GOMAXPROCS
 * from the same quota.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/** Where cgroupfs is mounted; inside a container it shows the container's own cgroup. */
export const CGROUP_ROOT = '/sys/fs/cgroup';

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

function ratio(quota: number, period: number): number | null {
  return Number.isFinite(quota) && Number.isFinite(period) && quota > 0 && period > 0 ? quota / period : null;
}

/**
 * The CPU limit in CPUs (1.5 for 150 ms per 100 ms), or null when there is none or it cannot be read.
 * cgroup v2: `cpu.max` holds `<quota|max> <period>`. cgroup v1: `cpu.cfs_quota_us` (-1 for none) and
 * `cpu.cfs_period_us` under the cpu controller, mounted as `cpu` or `cpu,cpuacct`.
 */
export function cgroupCpuLimit(root: string = CGROUP_ROOT): number | null {
  const v2 = read(join(root, 'cpu.max'));
  if (v2 !== null) {
    const [quota, period] = v2.split(/\s+/);
    return quota === 'max' ? null : ratio(Number(quota), Number(period ?? '100000'));
  }
  for (const dir of ['cpu', 'cpu,cpuacct', 'cpuacct,cpu']) {
    const quota = read(join(root, dir, 'cpu.cfs_quota_us'));
    const period = read(join(root, dir, 'cpu.cfs_period_us'));
    if (quota !== null && period !== null) return ratio(Number(quota), Number(period));
  }
  return null;
}

/**
 * Whole CPUs of the quota, at least 1 and at most the CPU count. Rounded down: a worker costs memory (see
 * docs/performance.md), and a half CPU left over is taken by the GC and libuv threads anyway.
 */
export function defaultWorkerCount(o: { root?: string; cpus?: number } = {}): number {
  const cpus = o.cpus ?? availableParallelism();
  const limit = cgroupCpuLimit(o.root);
  return limit === null ? cpus : Math.max(1, Math.min(cpus, Math.floor(limit)));
}
