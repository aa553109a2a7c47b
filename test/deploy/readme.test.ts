/**
 * The README and the deploy docs name only files that exist: every repository path in their shell examples and
 * every relative link. The offline README examples run (eskip check, kube-render) and print what they should.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './run-command.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = ['README.md', 'docs/deploy.md', 'docs/migrate-from-skipper.md'];
const TOP = /^(examples|deploy|docs|src|scripts|test|bench|swarm)\/|^[\w.-]+\.(eskip|ya?ml|json|md|ts)$/;

/** Lines of the ```sh blocks. */
function shellLines(md: string): string[] {
  return [...md.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n')).map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean);
}

/** Repository paths among the words of a command line and the inline code spans of the text. */
function pathsIn(md: string): string[] {
  const words = [...shellLines(md).flatMap((l) => l.split(/\s+/)), ...[...md.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!)];
  return [...new Set(words.map((w) => w.replace(/^-[\w-]+=/, '').replace(/[),;:]+$/, '')).filter((w) => TOP.test(w) && !w.includes('*') && !w.includes('<') && !w.includes('…')))];
}

for (const doc of DOCS) {
  test(`${doc}: every repository path it names exists`, () => {
    const md = readFileSync(join(ROOT, doc), 'utf8');
    const paths = pathsIn(md);
    assert.ok(paths.length > 0 || doc.startsWith('docs/migrate'), 'some paths found');
    for (const p of paths) assert.ok(existsSync(join(ROOT, p)), `${doc} names ${p}, which does not exist`);
    for (const m of md.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/.test(target)) continue;
      assert.ok(existsSync(join(ROOT, dirname(doc), target)), `${doc} links ${target}, which does not exist`);
    }
  });
}

test('the path check finds the paths of an example (the two the README once named did not exist)', () => {
  const md = '```sh\nnpx node src/cmd/skipjack-eskip.ts check routes.eskip\nnpx node src/cmd/skipjack-eskip.ts kube-render deploy/my-app.yaml\n```\n';
  assert.deepEqual(pathsIn(md), ['src/cmd/skipjack-eskip.ts', 'routes.eskip', 'deploy/my-app.yaml']);
  assert.ok(!existsSync(join(ROOT, 'routes.eskip')) && !existsSync(join(ROOT, 'deploy/my-app.yaml')));
});

test('README: the offline examples run', async () => {
  const md = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const eskip = shellLines(md).filter((l) => l.startsWith('npx node src/cmd/skipjack-eskip.ts'));
  assert.ok(eskip.length >= 2);
  for (const line of eskip) {
    const args = line.split(/\s+/).slice(2);
    const r = await runCommand(args);
    assert.equal(r.code, 0, `${line}\n${r.stderr}`);
    if (line.includes('kube-render')) {
      assert.match(r.stdout, /Host\("\^\(hello\[\.\]example\[\.\]org/);
      assert.match(r.stdout, /ratelimit\(100, "1m"\)/);
    }
  }
});
