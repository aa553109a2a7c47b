/**
 * Regexp matching with and without V8's linear-time fallback for runaway backtracking, which the skipjack
 * command switches on (src/cmd/skipjack.ts). Each mode runs in its own process, since the V8 flag is global:
 * the cost per match of ordinary route regexps, and the time of one catastrophic match (^/(a+)+$ against
 * "/" + N × "a" + "!", about 2^N steps when backtracking; N is kept small so the plain mode ends).
 *
 *   npx node bench/regexp.bench.ts [--n=24]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { translateRe2 } from '../src/regexp/regexp.ts';

const arg = (name: string, dflt: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const mode = arg('mode', '');
const n = Number(arg('n', '24'));

/** Route-style RE2 expressions and a request string each matches. */
const ORDINARY: [string, string][] = [
  ['^/api/v[0-9]+/users/[^/]+$', '/api/v2/users/12345'],
  ['^/(static|assets)/.*\\.(js|css|png)$', '/static/app/main.js'],
  ['^[a-z0-9-]+[.]example[.]org(:[0-9]+)?$', 'shop-eu.example.org:443'],
  ['(?i)^/Login$', '/LOGIN'],
];

function measure(): void {
  if (mode === 'fallback') setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  const rx = ORDINARY.map(([p, s]) => {
    const { source, flags } = translateRe2(p);
    return [new RegExp(source, flags), s] as const;
  });
  const rounds = 1_000_000;
  let hits = 0;
  const t0 = performance.now();
  for (let k = 0; k < rounds; k++) for (const [re, s] of rx) if (re.test(s)) hits++;
  const ns = ((performance.now() - t0) * 1e6) / (rounds * rx.length);
  if (hits !== rounds * rx.length) throw new Error('an ordinary expression did not match');
  const { source } = translateRe2('^/(a+)+$');
  const evil = new RegExp(source);
  const t1 = performance.now();
  evil.test(`/${'a'.repeat(n)}!`);
  process.stdout.write(`${JSON.stringify({ ns, catastrophicMs: performance.now() - t1 })}\n`);
}

if (mode !== '') {
  measure();
} else {
  const self = fileURLToPath(import.meta.url);
  const run = (m: string): { ns: number; catastrophicMs: number } => {
    const r = spawnSync(process.execPath, [self, `--mode=${m}`, `--n=${n}`], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`${m}: ${r.stderr}`);
    return JSON.parse(r.stdout) as { ns: number; catastrophicMs: number };
  };
  // Interleaved, three times each; medians.
  const plain: { ns: number; catastrophicMs: number }[] = [];
  const fallback: { ns: number; catastrophicMs: number }[] = [];
  for (let i = 0; i < 3; i++) {
    plain.push(run('plain'));
    fallback.push(run('fallback'));
  }
  const med = (xs: number[]): number => xs.sort((a, b) => a - b)[1]!;
  const p = { ns: med(plain.map((r) => r.ns)), ms: med(plain.map((r) => r.catastrophicMs)) };
  const f = { ns: med(fallback.map((r) => r.ns)), ms: med(fallback.map((r) => r.catastrophicMs)) };
  process.stdout.write(`regexp benchmark: ${ORDINARY.length} route expressions, node ${process.version}, medians of 3 runs each\n`);
  process.stdout.write(`ordinary match:     plain ${p.ns.toFixed(1)} ns, with fallback ${f.ns.toFixed(1)} ns (${(f.ns / p.ns).toFixed(2)}x)\n`);
  process.stdout.write(`^/(a+)+$ on ${n} a's: plain ${p.ms.toFixed(1)} ms, with fallback ${f.ms.toFixed(2)} ms (${(p.ms / f.ms).toFixed(0)}x faster); each further "a" doubles the plain time\n`);
}
