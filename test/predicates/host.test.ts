import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostSpec } from '../../src/predicates/host.ts';
import { hostAnySpec } from '../../src/predicates/host-any.ts';
import { hostKey, hostLiterals, matchLiterals } from '../../src/predicates/host-pattern.ts';
import { predicateSuite, req } from './helpers.ts';

const kube = '^(example[.]org[.]?(:[0-9]+)?|www[.]example[.]org[.]?(:[0-9]+)?)$';

predicateSuite(hostSpec, [
  { args: ['^my-host-header\\.example\\.org$'], req: req({ host: 'my-host-header.example.org' }), want: true },
  { args: ['^my-host-header\\.example\\.org$'], req: req({ host: 'my-host-header.example.org:80' }), want: false },
  { args: ['header\\.example\\.org$'], req: req({ host: 'x.header.example.org' }), want: true },
  { args: [kube], req: req({ host: 'example.org' }), want: true },
  { args: [kube], req: req({ host: 'www.example.org.:8080' }), want: true },
  { args: [kube], req: req({ host: 'example.org:' }), want: false },
  { args: [kube], req: req({ host: 'example.org:8x' }), want: false },
  { args: [kube], req: req({ host: 'sub.example.org' }), want: false },
  { args: [kube], req: req({ host: 'example.org..' }), want: false },
  { args: [kube], req: req({ host: 'EXAMPLE.org' }), want: false, name: 'Host is case-sensitive like Go regexp' },
], [[], ['a', 'b'], [3], ['(']]);

predicateSuite(hostAnySpec, [
  { args: ['a.org', 'b.org'], req: req({ host: 'b.org' }), want: true },
  { args: ['a.org'], req: req({ host: 'a.org:80' }), want: false },
  { args: ['a.org'], req: req({ host: 'c.org' }), want: false },
], [[], [1], ['a.org', 2]]);

test('literal host patterns agree with the regular expression on tricky hosts', () => {
  const patterns = [kube, '^(a[.]b)$', '^a\\.b\\.?$', '^(x1[.]y(:[0-9]+)?)$'];
  const hosts = ['example.org', 'example.org.', 'example.org:1', 'example.org.:1', 'example.org:', 'www.example.org', 'a.b', 'a.b.', 'a.b:1',
    'x1.y', 'x1.y:99', 'x1.y.', 'x1.y.:9', 'ax.b', '', 'example.orgx'];
  for (const p of patterns) {
    const lits = hostLiterals(p);
    assert.notEqual(lits, null, p);
    const rx = new RegExp(p);
    for (const h of hosts) {
      assert.equal(matchLiterals(lits!, h), rx.test(h), `${p} on ${JSON.stringify(h)}`);
      if (rx.test(h)) assert.ok(lits!.some((l) => l.host === hostKey(h)), `key of ${h}`);
    }
  }
});

test('non-literal host patterns are not treated as literals', () => {
  for (const p of ['^a.b$', 'a[.]b', '^(a|b)+$', '^(a)|(b)$', '^a[.]$', '^a[.]b(:[0-9]*)?$']) assert.equal(hostLiterals(p), null, p);
});

test('Host exposes the hostnames it is confined to', () => {
  assert.deepEqual(hostSpec.create([kube]).hostKeys, ['example.org', 'www.example.org']);
  assert.equal(hostSpec.create(['example']).hostKeys, undefined);
  assert.deepEqual(hostAnySpec.create(['a.org:80', 'a.org']).hostKeys, ['a.org']);
});
