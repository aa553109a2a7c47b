/**
 * The module rules of docs/design/architecture.md, read from the source's own imports:
 * - an import never climbs a layer (LAYERS below, lowest first; modules of one layer may import each other);
 * - a folder with an index.ts is entered through it from outside (its other files are private);
 * - no import cycle, type-only imports included (a cycle of types is still two files that cannot be read apart);
 * - swarm/ is imported only by the composition root.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Lowest first. A module is a folder under src/ or a file directly in it (without .ts). */
const LAYERS: readonly (readonly string[])[] = [
  ['errors', 'registry', 'version', 'log', 'net', 'lifecycle', 'regexp'],
  ['eskip'],
  ['routing'],
  ['predicates', 'filters', 'config', 'ratelimit', 'circuit', 'metrics'],
  ['loadbalancer'],
  ['proxy'],
  ['dataclients'],
  ['server', 'routesrv', 'webhook'],
  ['roles', 'main', 'cmd'],
];
/**
 * Ports declared by a higher layer where they are consumed, which lower layers implement: importing their
 * types (`import type`) does not climb. Values from them would.
 */
const PORTS = new Set(['src/proxy/guard.ts']);
/** The composition root: the only modules that may import swarm/. */
const COMPOSITION_ROOT = new Set(['roles', 'main', 'cmd']);

const layerOf = new Map<string, number>();
LAYERS.forEach((mods, i) => mods.forEach((m) => layerOf.set(m, i)));

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;

/** Relative imports of a file, resolved to absolute paths; `typeOnly` holds those made by `import type`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    out.push(target);
    if (/^\s*import\s+type\s/.test(m[0].replace(/^[\s;]/, ''))) typeOnly.add(`${file}\u0000${target}`);
  }
  return out;
}
const typeOnly = new Set<string>();

const SRC = join(ROOT, 'src');
const SWARM = join(ROOT, 'swarm');
const files = [...sourceFiles(SRC), ...sourceFiles(SWARM)];
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (p: string): string => relative(ROOT, p).split(sep).join('/');

/** The module of a file under src/: its first folder, or its own name for a file directly in src/. */
function moduleOf(file: string): string | null {
  if (!file.startsWith(SRC + sep)) return null;
  const first = relative(SRC, file).split(sep)[0]!;
  return first.endsWith('.ts') ? first.slice(0, -3) : first;
}

test('every module under src/ has a layer', () => {
  const unknown = new Set<string>();
  for (const f of files) {
    const m = moduleOf(f);
    if (m !== null && !layerOf.has(m)) unknown.add(m);
  }
  assert.deepEqual([...unknown], [], 'add the new module to LAYERS here and to docs/design/architecture.md');
});

test('no import climbs a layer', () => {
  const climbs: string[] = [];
  for (const [f, deps] of graph) {
    const from = moduleOf(f);
    if (from === null) continue;
    for (const d of deps) {
      const to = moduleOf(d);
      if (to === null || to === from) continue;
      if (PORTS.has(rel(d)) && typeOnly.has(`${f}\u0000${d}`)) continue;
      if (layerOf.get(to)! > layerOf.get(from)!) climbs.push(`${rel(f)} -> ${rel(d)} (${from} is below ${to})`);
    }
  }
  assert.deepEqual(climbs, []);
});

test('a folder with an index.ts is entered through it', () => {
  const sealed = new Set<string>();
  for (const f of files) if (f.endsWith(`${sep}index.ts`)) sealed.add(dirname(f));
  const past: string[] = [];
  for (const [f, deps] of graph) {
    for (const d of deps) {
      if (d.endsWith(`${sep}index.ts`) && sealed.has(dirname(d))) {
        // Entering through the index: fine unless the index is a deeper one than needed; nothing to check.
      }
      // The outermost sealed folder that holds d but not f must be entered through its index.
      for (let dir = dirname(d); dir.startsWith(SRC + sep) || dir.startsWith(SWARM + sep); dir = dirname(dir)) {
        if (!sealed.has(dir) || f.startsWith(dir + sep)) continue;
        if (d !== join(dir, 'index.ts')) past.push(`${rel(f)} -> ${rel(d)} (enter ${rel(dir)}/ through index.ts)`);
        break;
      }
    }
  }
  assert.deepEqual(past, []);
});

test('no import cycle', () => {
  // Tarjan's strongly connected components over the file graph.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(rel(w));
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.sort());
    }
  };
  for (const f of graph.keys()) if (!index.has(f)) visit(f);
  assert.deepEqual(cycles, []);
});

test('only the composition root imports swarm/', () => {
  const wrong: string[] = [];
  for (const [f, deps] of graph) {
    const m = moduleOf(f);
    if (m === null || COMPOSITION_ROOT.has(m)) continue;
    for (const d of deps) if (d.startsWith(SWARM + sep)) wrong.push(`${rel(f)} -> ${rel(d)}`);
  }
  assert.deepEqual(wrong, []);
});

test('the rules see the code: a known import is read, resolved and placed', () => {
  // Guards the reader itself: were the regexp to miss imports, every rule above would pass vacuously.
  const main = graph.get(join(SRC, 'main.ts'));
  assert.ok(main !== undefined && main.length > 3, 'src/main.ts imports are read');
  assert.ok(main.every((d) => moduleOf(d) === null || layerOf.has(moduleOf(d)!)));
  assert.ok(graph.size > 200, `${graph.size} source files read`);
});
