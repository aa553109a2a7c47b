/**
 * Handing a route list to a worker over cluster IPC: the whole list as one structured-clone message (the
 * previous protocol) against the parts of src/server/workers.ts (PART_DEFS definitions each, one message in
 * flight at a time) and against the same parts as JSON text, then a one-route delta. Times from the first send to the worker holding the list.
 * Usage: node bench/workers-ipc.bench.ts [routes=1000000] [--timeout=120] (seconds for the one-message way)
 */
import cluster from 'node:cluster';
import { loadavg } from 'node:os';
import { parse, type RouteDef } from '../src/eskip/index.ts';
import { diffDefs } from '../src/server/route-delta.ts';
import { PART_DEFS, RouteReceiver, routeParts, type RoutesMessage } from '../src/server/workers.ts';

const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const timeoutS = Number(process.argv.find((a) => a.startsWith('--timeout='))?.slice(10) ?? 120);

function defs(v: number): RouteDef[] {
  const one = parse('r: Path("/r") && Header("X-A", "a") -> setResponseHeader("X-R", "1") -> inlineContent("v") -> <shunt>;')[0]!;
  return Array.from({ length: n }, (_, i) => ({ ...one, id: `r${i}`, predicates: [{ name: 'Path', args: [`/r${i}`] }, one.predicates[1]!],
    filters: [one.filters[0]!, { name: 'inlineContent', args: [`v${i}-${i === n >> 1 ? v : 0}`] }], pos: { file: 'routes.eskip', line: i + 1, col: 1 } }));
}

if (cluster.isPrimary) {
  cluster.setupPrimary({ serialization: 'advanced' });
  const w = cluster.fork();
  await new Promise((r) => w.once('message', r));
  const list = defs(0);
  const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
  const ack = (): Promise<number> => new Promise((r) => w.once('message', (m: { count: number }) => r(m.count)));
  const rss = (): string => `primary RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`;
  console.log(`${n} definitions to one worker (load ${load()})`);

  let t0 = performance.now();
  let got = ack();
  const parts = routeParts(1, -1, { hunks: [{ at: 0, remove: 0, insert: list.length }], inserted: list });
  const send = async (msgs: RoutesMessage[]): Promise<void> => {
    for (const m of msgs) await new Promise<void>((r) => w.send(m, undefined, undefined, () => r()));
  };
  await send(parts);
  console.log(`parts of ${PART_DEFS} (structured clone, as sent): ${await got} definitions held after ${((performance.now() - t0) / 1000).toFixed(1)} s; ${rss()} (load ${load()})`);

  t0 = performance.now();
  got = ack();
  for (let i = 0; i < n; i += PART_DEFS) {
    const m = { type: 'jsonparts', defs: JSON.stringify(list.slice(i, i + PART_DEFS)), done: i + PART_DEFS >= n };
    await new Promise<void>((r) => w.send(m, undefined, undefined, () => r()));
  }
  console.log(`parts of ${PART_DEFS} (JSON text, not used): ${await got} definitions held after ${((performance.now() - t0) / 1000).toFixed(1)} s (load ${load()})`);

  const next = list.slice();
  next[n >> 1] = defs(1)[n >> 1]!;
  t0 = performance.now();
  got = ack();
  await send(routeParts(2, 1, diffDefs(list, next)));
  console.log(`one-route delta: applied after ${(performance.now() - t0).toFixed(1)} ms (${await got} definitions)`);

  t0 = performance.now();
  got = ack();
  w.send({ type: 'whole', defs: list });
  const done = await Promise.race([got, new Promise<null>((r) => setTimeout(() => r(null), timeoutS * 1000).unref())]);
  console.log(done === null
    ? `one message (previous protocol): not received after ${timeoutS} s; ${rss()} (load ${load()})`
    : `one message (previous protocol): ${done} definitions held after ${((performance.now() - t0) / 1000).toFixed(1)} s; ${rss()} (load ${load()})`);
  w.process.kill('SIGKILL');
  process.exit(0);
} else {
  const r = new RouteReceiver((d) => process.send!({ count: d.length }), () => {});
  let held: RouteDef[] = [];
  process.on('message', (m: RoutesMessage | { type: 'whole'; defs: RouteDef[] } | { type: 'jsonparts'; defs: string; done: boolean }) => {
    if (m.type === 'whole') process.send!({ count: m.defs.length });
    else if (m.type === 'jsonparts') {
      for (const d of JSON.parse(m.defs) as RouteDef[]) held.push(d);
      if (m.done) {
        process.send!({ count: held.length });
        held = [];
      }
    }
    else r.receive(m);
  });
  process.send!({ ready: true });
}
