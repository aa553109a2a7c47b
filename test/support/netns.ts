/**
 * Network namespaces for partition tests (root only): two namespaces `a` and `b` joined by a veth pair
 * (10.<n>.0.1 in a, 10.<n>.0.2 in b), each with loopback up. partition() sets the link down, heal() up again.
 * remove() deletes both namespaces (taking the veth pair with them); it is registered with the test's
 * after() by the caller, so namespaces go pass or fail. Namespace names carry the pid, so parallel test
 * files never collide.
 */
import { execFileSync } from 'node:child_process';

export interface NetnsPair {
  readonly a: string;
  readonly b: string;
  readonly ipA: string;
  readonly ipB: string;
  /** The command prefix that runs a program inside a namespace. */
  exec(ns: string): string[];
  partition(): void;
  heal(): void;
  remove(): void;
}

let seq = 0;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Whether this process may create namespaces (root with iproute2), for skipping with a reason. */
export function netnsAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = `skjprobe${process.pid}`;
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return true;
  } catch {
    return false;
  }
}

export function createNetnsPair(): NetnsPair {
  const id = `${process.pid % 100000}x${seq++}`;
  const a = `skja${id}`;
  const b = `skjb${id}`;
  const net = 100 + ((process.pid + seq) % 100);
  const ipA = `10.${net}.0.1`;
  const ipB = `10.${net}.0.2`;
  const vethA = `va${id}`.slice(0, 15);
  const vethB = `vb${id}`.slice(0, 15);
  const remove = () => {
    for (const ns of [a, b]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // already gone
      }
    }
  };
  try {
    ip('netns', 'add', a);
    ip('netns', 'add', b);
    ip('link', 'add', vethA, 'type', 'veth', 'peer', 'name', vethB);
    ip('link', 'set', vethA, 'netns', a);
    ip('link', 'set', vethB, 'netns', b);
    ip('-n', a, 'addr', 'add', `${ipA}/24`, 'dev', vethA);
    ip('-n', b, 'addr', 'add', `${ipB}/24`, 'dev', vethB);
    for (const [ns, dev] of [[a, vethA], [b, vethB]] as const) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
  } catch (err) {
    remove();
    throw err;
  }
  return {
    a,
    b,
    ipA,
    ipB,
    exec: (ns) => ['ip', 'netns', 'exec', ns],
    partition: () => ip('-n', a, 'link', 'set', vethA, 'down'),
    heal: () => ip('-n', a, 'link', 'set', vethA, 'up'),
    remove,
  };
}
