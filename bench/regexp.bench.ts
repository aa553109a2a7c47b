/**
 * Route expressions: what linearRegexp (src/predicates/regexp.ts) costs and what it saves. Per match, the
 * expressions it keeps on V8 (the structurally safe class) against the same on RE2 (re2js), and the
 * expressions it sends to RE2; per hostile match, RE2 against V8's backtracking engine with the fallback
 * flag the command sets (--enable-experimental-regexp-engine-on-excessive-backtracks), which misses bounded
 * repeats. The V8 runs for hostile input are in a child process with a time cap, since they do not end.
 *
 *   npx node bench/regexp.bench.ts [--n=26]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { RE2JS } from 're2js';
import { linearRegexp, translateRe2 } from '../src/regexp/regexp.ts';
import { Re2RegExp } from '../src/regexp/re2-regexp.ts';

const arg = (name: string, dflt: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const mode = arg('mode', '');
const n = Number(arg('n', '26'));

/** Route-style RE2 expressions the safe class keeps on V8, and a request string each matches. */
const SAFE: [string, string][] = [
  ['^/api/v[0-9]+/users/[^/]+$', '/api/v2/users/12345'],
  ['^/(static|assets)/.*\\.(js|css|png)$', '/static/app/main.js'],
  ['^[a-z0-9-]+[.]example[.]org(:[0-9]+)?$', 'shop-eu.example.org:443'],
  ['(?i)^/Login$', '/LOGIN'],
];
/** Expressions outside the safe class (nested or unanchored repetition); they run on RE2. */
const OTHER: [string, string][] = [
  ['^[a-z0-9]+((-[a-z0-9]+)?)*[.]example[.]org$', 'shop-eu.example.org'],
  ['Chrome/[0-9]+', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36'],
];
/** Hostile expression/input pairs: [expression, input, description]. */
const HOSTILE: [string, string, string][] = [
  ['^/(a+)+$', `/${'a'.repeat(n)}!`, `^/(a+)+$ on "/" + ${n} a's + "!"`],
  ['^(a+){2,100}$', `${'a'.repeat(30)}!`, '^(a+){2,100}$ on 30 a\'s + "!"'],
];

function perMatch(rx: readonly (readonly [{ test(s: string): boolean }, string])[]): number {
  const rounds = 300_000;
  let hits = 0;
  for (let k = 0; k < 20_000; k++) for (const [re, s] of rx) re.test(s);
  const t0 = performance.now();
  for (let k = 0; k < rounds; k++) for (const [re, s] of rx) if (re.test(s)) hits++;
  if (hits !== rounds * rx.length) throw new Error('an expression did not match');
  return ((performance.now() - t0) * 1e6) / (rounds * rx.length);
}

if (mode === 'v8-hostile') {
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  const [p, s] = HOSTILE[Number(arg('case', '0'))]!;
  const { source, flags } = translateRe2(p);
  const t = performance.now();
  new RegExp(source, flags).test(s);
  process.stdout.write(`${performance.now() - t}\n`);
} else {
  const self = fileURLToPath(import.meta.url);
  const chosen = [...SAFE, ...OTHER].map(([p, s]) => [linearRegexp(p), s] as const);
  for (const [p] of SAFE) if (linearRegexp(p) instanceof Re2RegExp) throw new Error(`${p} left the safe class`);
  for (const [p] of OTHER) if (!(linearRegexp(p) instanceof Re2RegExp)) throw new Error(`${p} entered the safe class`);
  const med = (f: () => number): number => [f(), f(), f()].sort((a, b) => a - b)[1]!;
  const v8Safe = med(() => perMatch(chosen.slice(0, SAFE.length)));
  const re2Safe = med(() => perMatch(SAFE.map(([p, s]) => [RE2JS.compile(p), s] as const)));
  const re2Other = med(() => perMatch(chosen.slice(SAFE.length)));
  const v8Other = med(() => perMatch(OTHER.map(([p, s]) => [new RegExp(translateRe2(p).source), s] as const)));
  process.stdout.write(`regexp benchmark, node ${process.version}, medians of 3\n`);
  process.stdout.write(`safe class (${SAFE.length} expressions), per match: V8 ${v8Safe.toFixed(1)} ns, the same on RE2 ${re2Safe.toFixed(1)} ns (${(re2Safe / v8Safe).toFixed(1)}x)\n`);
  process.stdout.write(`outside it (${OTHER.length} expressions), per match: RE2 ${re2Other.toFixed(1)} ns, V8 would take ${v8Other.toFixed(1)} ns on this benign input\n`);
  HOSTILE.forEach(([p, s, what], i) => {
    const t = performance.now();
    const rx = linearRegexp(p);
    if (!(rx instanceof Re2RegExp)) throw new Error(`${p} entered the safe class`);
    rx.test(s);
    const re2 = performance.now() - t;
    const r = spawnSync(process.execPath, [self, '--mode=v8-hostile', `--case=${i}`, `--n=${n}`], { encoding: 'utf8', timeout: 30_000 });
    const v8 = r.status === 0 ? `${Number(r.stdout).toFixed(1)} ms` : '> 30 s (killed)';
    process.stdout.write(`${what}: RE2 ${re2.toFixed(2)} ms including compilation; V8 with the fallback flag ${v8}\n`);
  });
}
