/**
 * The template language of scripts/deploy: what `render` and `toHelm` make of each construct, NOTES.txt,
 * and the RFC 6902 patches the overlays are made of (diff then apply gives the target, property-tested).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { and, eq, ifStr, not, ref, render, splice, str, toHelm, when, yaml, yamlIfAny, type Node } from '../../scripts/deploy/template.ts';
import { apply, diff } from '../../scripts/deploy/json-patch.ts';
import { appVersion, withValues } from '../../scripts/deploy/variants.ts';
import { executeTemplate } from './go-template.ts';

const doc: Node = {
  kind: ref('Values.kind'),
  name: str`${ref('Release.Name')}-x`,
  image: str`img${ifStr('Values.digest', ['@', ref('Values.digest')], [':', ref('Values.tag', 'Chart.AppVersion')])}`,
  replicas: when(and(eq('Values.kind', 'Deployment'), not('Values.hpa')), ref('Values.replicas')),
  labels: { a: 'b', '...': splice('Values.labels') },
  args: ['run', when('Values.flag', '-flag'), when('Values.flag', '-flag2'), splice('Values.extra')],
  resources: yaml('Values.resources'),
  nodeSelector: yamlIfAny('Values.nodeSelector'),
  list: [when('Values.flag', { name: 'conditional', value: 1 }), { name: 'fixed' }],
};

const cases = [
  { kind: 'Deployment', hpa: false, replicas: 3, digest: '', tag: '', flag: true, labels: { c: 'd' }, extra: ['-e=1', 'x y'], resources: { limits: { memory: '1Gi' } }, nodeSelector: {} },
  { kind: 'DaemonSet', hpa: true, replicas: 3, digest: 'sha256:ab', tag: 't', flag: false, labels: {}, extra: [], resources: {}, nodeSelector: { os: 'linux' } },
];

test('render and the printed Helm template agree on every construct', () => {
  const helm = toHelm([doc], 'header');
  for (const Values of cases) {
    const ctx = { Values, Release: { Name: 'rel' }, Chart: { AppVersion: '9.9.9' } };
    const [obj] = render([doc], ctx);
    assert.deepEqual(parseYaml(executeTemplate(helm, ctx)), obj);
  }
  const [first] = render([doc], { Values: cases[0], Release: { Name: 'rel' }, Chart: { AppVersion: '9.9.9' } });
  assert.deepEqual(first, {
    kind: 'Deployment', name: 'rel-x', image: 'img:9.9.9', replicas: 3, labels: { a: 'b', c: 'd' },
    args: ['run', '-flag', '-flag2', '-e=1', 'x y'], resources: { limits: { memory: '1Gi' } }, list: [{ name: 'conditional', value: 1 }, { name: 'fixed' }],
  });
  const [second] = render([doc], { Values: cases[1], Release: { Name: 'rel' }, Chart: { AppVersion: '9.9.9' } });
  assert.equal((second as { image: string }).image, 'img@sha256:ab');
  assert.equal('replicas' in second!, false);
  assert.deepEqual((second as { nodeSelector: object }).nodeSelector, { os: 'linux' });
  // Adjacent items under one condition print as one if-block.
  assert.equal(helm.match(/if \.Values\.flag/g)?.length, 2);
});

test('a document under a condition is left out', () => {
  assert.deepEqual(render([when('Values.on', { a: 1 })], { Values: { on: false } }), []);
  assert.match(toHelm([when('Values.on', { a: 1 })], ''), /^\{\{- if \.Values\.on \}\}\n---\na: 1\n\{\{- end \}\}\n$/);
});

test('NOTES.txt executes for the default and a full set of values', () => {
  const notes = readFileSync(new URL('../../deploy/helm/skipjack/templates/NOTES.txt', import.meta.url), 'utf8');
  for (const v of [withValues(), withValues({ routesrv: { enabled: true }, redis: { enabled: true }, webhook: { enabled: true }, kubernetesEnableTls: true })]) {
    const out = executeTemplate(notes, { Values: v, Release: { Name: 'edge', Namespace: 'ingress' }, Chart: { AppVersion: appVersion } });
    assert.match(out, /rollout status deployment\/edge/);
    assert.equal(out.includes('edge-routesrv'), v.routesrv.enabled);
    assert.equal(out.includes('Secret edge-webhook-tls'), v.webhook.enabled);
  }
});

const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), tie('arr'), tie('obj')),
  arr: fc.array(tie('value'), { maxLength: 4 }),
  // Keys with the characters JSON Pointer escapes; manifests have no __proto__ keys.
  obj: fc.dictionary(fc.stringMatching(/^[a-z/~]{0,4}$/), tie('value'), { maxKeys: 4, noNullPrototype: true }),
})).obj;

test('diff then apply turns the base into the target', () => {
  fc.assert(fc.property(json, json, (a, b) => {
    assert.deepEqual(apply(a, diff(a, b)), b);
  }), { numRuns: 300 });
  assert.deepEqual(diff({ l: [1, 2] }, { l: [1, 2, 3] }), [{ op: 'add', path: '/l/-', value: 3 }]);
  assert.deepEqual(diff({ 'a/b': 1, r: 1 }, { 'a/b': 2 }), [{ op: 'remove', path: '/r' }, { op: 'replace', path: '/a~1b', value: 2 }]);
});
