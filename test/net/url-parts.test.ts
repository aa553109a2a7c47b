import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodedPath, encodeQuery, escapePath, parseQuery, queryEscape, reescapePath } from '../../src/net/index.ts';

test('escapePath escapes like Go encodePath', () => {
  assert.equal(escapePath('/a/b'), '/a/b');
  assert.equal(escapePath('/a b?c#d%'), '/a%20b%3Fc%23d%25');
  assert.equal(escapePath("/$&+,:;=@-_.~!*'()"), "/$&+,:;=@-_.~%21%2A%27%28%29");
  assert.equal(escapePath('/é'), '/%C3%A9');
});

test('queryEscape escapes like Go QueryEscape', () => {
  assert.equal(queryEscape('abc-_.~'), 'abc-_.~');
  assert.equal(queryEscape('a b&c=d/é'), 'a+b%26c%3Dd%2F%C3%A9');
});

test('parseQuery drops what Go drops and encodeQuery sorts keys', () => {
  const q = parseQuery('b=2&a=1&x;y=1&bad=%zz&a=3&plus=a+b&empty&=v');
  assert.deepEqual([...q], [['b', ['2']], ['a', ['1', '3']], ['plus', ['a b']], ['empty', ['']], ['', ['v']]]);
  assert.equal(encodeQuery(q), '=v&a=1&a=3&b=2&empty=&plus=a+b');
});

test('reescapePath keeps a valid previous encoding', () => {
  assert.equal(reescapePath('/a%2Fb', '/a/b'), '/a%2Fb');
  assert.equal(reescapePath('/a%2Fb', '/c d'), '/c%20d');
});

test('escaping round-trips arbitrary text (property)', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 30 });
  fc.assert(fc.property(text, (s) => decodedPath(escapePath(s)) === s));
  const query = fc.uniqueArray(fc.tuple(text, fc.array(text, { minLength: 1, maxLength: 3 })), {
    selector: ([k]) => k, maxLength: 5,
  });
  fc.assert(fc.property(query, (pairs) => {
    const q = new Map(pairs);
    const back = parseQuery(encodeQuery(q));
    return [...q].every(([k, vs]) => JSON.stringify(back.get(k)) === JSON.stringify(vs)) && back.size === q.size;
  }));
});
