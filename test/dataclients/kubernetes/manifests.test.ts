import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadManifests, parseYaml11 } from '../../../src/dataclients/kubernetes/manifests.ts';

test('YAML 1.1 scalars: yes/True are booleans, timestamps stay text', () => {
  const [doc] = parseYaml11('a: yes\nb: True\nc: 2024-01-01\nd: "1"\ne: 1.0\n') as any[];
  assert.deepEqual(doc, { a: true, b: true, c: '2024-01-01', d: '1', e: 1 });
});

test('string fields keep their source text', () => {
  const [doc] = parseYaml11('x:\n  name: True\n  num: 010\n', 'f', (p) => p[0] === 'x') as any[];
  assert.deepEqual(doc, { x: { name: 'True', num: '010' } });
});

test('decoding stops at the first empty document', () => {
  const objs = loadManifests('kind: Service\nmetadata: {name: a}\n---\n# nothing\n---\nkind: Service\nmetadata: {name: b}\n');
  assert.deepEqual(objs.map((o) => o.metadata.name), ['a']);
});

test('kind: List is flattened, namespace defaults, labels are strings', () => {
  const objs = loadManifests(
    [
      'kind: List',
      'items:',
      '- kind: Ingress',
      '  metadata: {name: a, labels: {enabled: True}}',
      '- kind: Service',
      '  metadata: {name: b, namespace: foo}',
      '---',
      'kind: Endpoints',
      'metadata: {name: c, namespace: "", annotations: {num: 1}}',
    ].join('\n'),
  );
  assert.deepEqual(
    objs.map((o) => [o.kind, o.metadata.namespace, o.metadata.name]),
    [['Ingress', 'default', 'a'], ['Service', 'foo', 'b'], ['Endpoints', 'default', 'c']],
  );
  assert.equal(objs[0]!.metadata.labels!.enabled, 'True');
  assert.equal(objs[2]!.metadata.annotations!.num, '1');
});

test('objects without kind or metadata are rejected with the culprit named', () => {
  assert.throws(() => loadManifests('metadata: {name: a}\n', 'x.yaml'), /x\.yaml: document 1: missing string "kind"/);
  assert.throws(() => loadManifests('kind: Service\n', 'x.yaml'), /x\.yaml: document 1: Service has no "metadata"/);
  assert.throws(() => loadManifests('kind: [\n', 'x.yaml'), /x\.yaml:\d+: invalid YAML/);
});
