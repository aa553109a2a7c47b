/**
 * deploy/Dockerfile, linted (no docker here to build it): every COPY source exists in the build context, base
 * images are an exact release (the Node that package.json pins), dependencies come from the lockfile with
 * `npm ci` in a layer before any source is copied, the final stage runs as a numeric non-root user, carries
 * OCI labels, a HEALTHCHECK, and the `skipper` alias that Skipper manifests' args start with.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const text = readFileSync(new URL('deploy/Dockerfile', root), 'utf8');
const ignored = readFileSync(new URL('deploy/Dockerfile.dockerignore', root), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

interface Instruction { op: string; args: string; line: number }

/** Instructions with continuation lines joined and comments dropped. */
function instructions(src: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = src.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let l = lines[i]!;
    if (/^\s*(#|$)/.test(l)) continue;
    while (l.endsWith('\\') && i + 1 < lines.length) l = `${l.slice(0, -1)} ${lines[++i]!.trim()}`;
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(l);
    assert.ok(m, `line ${start + 1}: not an instruction: ${l}`);
    out.push({ op: m[1]!, args: m[2]!.trim(), line: start + 1 });
  }
  return out;
}

const ins = instructions(text);
const args: Record<string, string> = Object.fromEntries(ins.filter((i) => i.op === 'ARG' && i.args.includes('=')).map((i) => i.args.split('=', 2) as [string, string]));
const stages = ins.reduce<Instruction[][]>((acc, i) => {
  if (i.op === 'FROM') acc.push([]);
  acc.at(-1)?.push(i);
  return acc;
}, []);
const finalStage = stages.at(-1)!;

test('every COPY source exists and is not excluded by Dockerfile.dockerignore', () => {
  for (const i of ins.filter((x) => x.op === 'COPY' && !x.args.startsWith('--from'))) {
    const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
    for (const src of parts.slice(0, -1)) {
      assert.ok(existsSync(new URL(src, root)), `line ${i.line}: COPY source ${src} does not exist`);
      assert.ok(!ignored.includes(src.replace(/\/$/, '')), `line ${i.line}: ${src} is in Dockerfile.dockerignore`);
    }
  }
  const stageNames = stages.map((s) => /\bAS\s+(\S+)/i.exec(s[0]!.args)?.[1]).filter(Boolean);
  for (const i of ins.filter((x) => x.op === 'COPY' && x.args.startsWith('--from'))) {
    assert.ok(stageNames.includes(/--from=(\S+)/.exec(i.args)![1]), `line ${i.line}: no stage ${i.args}`);
  }
});

test('base images are an exact Node release, the one package.json pins', () => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { devDependencies: Record<string, string> };
  for (const s of stages) {
    const image = s[0]!.args.split(/\s+/)[0]!.replace(/^\$\{(\w+)\}$/, (_, n: string) => args[n] ?? '');
    const m = /^node:(\d+\.\d+\.\d+)-[a-z]+(-slim)?(@sha256:[0-9a-f]{64})?$/.exec(image);
    assert.ok(m, `FROM ${image}: not pinned to an exact release (tag x.y.z, optionally @sha256:digest)`);
    assert.equal(m[1], pkg.devDependencies.node, 'the image\'s Node is the Node the tests run on');
  }
  assert.ok(stages.length >= 2, 'multi-stage: the build tools stay out of the final image');
});

test('dependencies from the lockfile, cached in a layer before the sources', () => {
  assert.doesNotMatch(text.replace(/^#.*$/gm, ''), /npm (install|i)\b/, 'npm install ignores the lockfile');
  for (const s of stages.filter((st) => st.some((i) => i.op === 'RUN' && /npm ci/.test(i.args)))) {
    const ci = s.findIndex((i) => i.op === 'RUN' && /npm ci/.test(i.args));
    const copies = s.slice(0, ci).filter((i) => i.op === 'COPY').map((i) => i.args);
    assert.deepEqual(copies, ['package.json package-lock.json ./'], 'only the manifests before npm ci, so a source change keeps the dependency layer');
  }
});

test('final stage: numeric non-root user, OCI labels, HEALTHCHECK, skipper alias, no ENTRYPOINT', () => {
  const user = finalStage.filter((i) => i.op === 'USER').at(-1);
  assert.ok(user, 'USER is set');
  const uid = user.args.split(':')[0]!;
  assert.match(uid, /^\d+$/, 'numeric, so Kubernetes can verify runAsNonRoot');
  assert.notEqual(Number(uid), 0);
  const labels = finalStage.filter((i) => i.op === 'LABEL').map((i) => i.args).join(' ');
  for (const l of ['title', 'description', 'source', 'licenses', 'version', 'revision']) assert.match(labels, new RegExp(`org\\.opencontainers\\.image\\.${l}=`), l);
  assert.ok(finalStage.some((i) => i.op === 'HEALTHCHECK' && i.args.includes('/healthz')));
  assert.ok(finalStage.some((i) => i.op === 'RUN' && /ln -s \/usr\/local\/bin\/skipjack \/usr\/local\/bin\/skipper/.test(i.args)));
  assert.ok(!ins.some((i) => i.op === 'ENTRYPOINT'), 'args starting with "skipper" must run the alias');
  assert.ok(finalStage.some((i) => i.op === 'CMD' && i.args.includes('skipjack')));
  // The chart runs as this user; keep them equal.
  assert.match(readFileSync(new URL('deploy/helm/skipjack/values.yaml', root), 'utf8'), new RegExp(`runAsUser: ${uid}\\b`));
});
