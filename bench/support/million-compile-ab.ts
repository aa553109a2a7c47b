/**
 * Compile CPU of two (or more) source trees in one process, interleaved: each tree parses the same routes
 * file with its own parser, then every round compiles each tree's definitions with its own compileRoutes
 * (synchronous), after a forced collection, in alternating order (A B, then B A, …). Prints per round and
 * tree the compile's CPU time (process-wide: the collector's helper threads count) and wall time. On a busy machine this compares compiles better than two processes do: both see the
 * same load at nearly the same time, and the parse (not under test) is not timed.
 *
 * Run: node --expose-gc --max-old-space-size=6144 bench/support/million-compile-ab.ts <routes file> <rounds> <tree>…
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';

const [file, roundsArg, ...trees] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined || file === undefined || trees.length === 0) throw new Error('usage: node --expose-gc million-compile-ab.ts <file> <rounds> <tree>…');
const rounds = Number(roundsArg);


interface Tree {
  root: string;
  defs: unknown[];
  compile: (defs: unknown[], opts: object) => { routes: unknown[]; invalid: { message: string }[] };
  opts: object;
}

const loaded: Tree[] = [];
let text: string | null = readFileSync(file, 'utf8');
for (const root of trees) {
  const load = (p: string) => import(pathToFileURL(`${root}/${p}`).href);
  const eskip = await load('src/eskip/index.ts');
  const { compileRoutes } = await load('src/routing/compile.ts');
  const { builtinFilters } = await load('src/filters/builtin.ts');
  const { builtinPredicates } = await load('src/predicates/builtin.ts');
  const { createLoadBalancer } = await load('src/loadbalancer/index.ts');
  const parsed = eskip.parseDocument(text, { file });
  if (parsed.errors.length > 0) throw new Error(`parse errors: ${String(parsed.errors[0])}`);
  loaded.push({ root, defs: parsed.routes, compile: compileRoutes, opts: { predicates: builtinPredicates(), filters: builtinFilters(), lbFactory: createLoadBalancer } });
}
text = null;

// Holds the last table until the next compile starts, as a process replacing its table would.
let keep: unknown = null;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? loaded : [...loaded].reverse();
  for (const t of order) {
    keep = null;
    gc();
    gc();
    const load0 = loadavg()[0]!.toFixed(1);
    const c0 = cpuMs();
    const w0 = performance.now();
    const table = t.compile(t.defs, t.opts);
    keep = table;
    const cpu = cpuMs() - c0;
    const wall = performance.now() - w0;
    if (table.invalid.length > 0) throw new Error(`invalid: ${table.invalid[0]!.message}`);
    console.log(JSON.stringify({ round: r, tree: t.root, routes: table.routes.length, cpuMs: Math.round(cpu), wallMs: Math.round(wall), load: load0 }));
  }
}
