/**
 * K real skipjack processes (the built bin, dist/src/cmd/skipjack.js) on ephemeral loopback ports, started
 * the way test/cmd/harness.ts starts them (own process group, ready when both listeners are logged), with
 * gossip membership on pre-allocated ports so instances can be killed and added mid-run.
 */
import type { TestContext } from 'node:test';
import { builtCommand, startSkipjack, until, type Skipjack } from '../../test/cmd/harness.ts';
import { freePort } from '../../test/support/redis-server.ts';
import { onCleanup } from './cleanup.ts';

export { until, type Skipjack };

export const QUIET = ['-access-log-disabled', '-wait-for-healthcheck-interval=0s'];

let command: string[] | undefined;

/** The harness registers teardown with a test context; chaos runs register it with cleanup.ts instead. */
const context = { after: (fn: () => unknown) => onCleanup(async () => void (await fn())) } as unknown as TestContext;

export interface StartOptions {
  /** Runs the process inside this command prefix (e.g. `ip netns exec <ns>`). */
  prefix?: string[];
}

/** Starts one skipjack process; it is SIGKILLed (whole process group) by cleanup. */
export async function startInstance(args: string[], o: StartOptions = {}): Promise<Skipjack> {
  command ??= builtCommand();
  return startSkipjack(context, [...QUIET, ...args], { command: [...(o.prefix ?? []), ...command] });
}

/** SIGKILLs an instance's process group and waits for its exit. */
export async function killInstance(s: Skipjack): Promise<void> {
  try {
    process.kill(-s.proc.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
  await s.exited;
}

/** `n` free loopback gossip addresses. */
export async function gossipAddresses(n: number, host = '127.0.0.1'): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${host}:${await freePort()}`);
  return out;
}

/** Gossip flags for `self` with every other address of `all` as a static peer. */
export function gossipArgs(self: string, all: readonly string[]): string[] {
  return ['-enable-swarm', `-swarm-static-self=${self}`, `-swarm-static-other=${all.filter((a) => a !== self).join(',')}`];
}

/** The last "swarm gossip: L of N members live" count an instance logged. */
export function liveMembers(s: Skipjack): number {
  const all = [...s.stderr().matchAll(/swarm gossip: (\d+) of \d+ members live/g)];
  return all.length === 0 ? 0 : Number(all[all.length - 1]![1]);
}

/** Sums the values of the metric lines matching `re` (first group) on an instance's /metrics. */
export async function metricSum(s: Skipjack, re: RegExp): Promise<number> {
  const text = await (await fetch(`${s.support}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (m !== null) sum += Number(m[1]);
  }
  return sum;
}
