import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { foldAsciiCase } from '../../src/regexp/case-fold.ts';
import { translateRe2 } from '../../src/regexp/regexp.ts';

test('letters become both cases, classes gain the other case of their letters', () => {
  assert.equal(foldAsciiCase('^/Ab1$'), '^/[aA][bB]1$');
  assert.equal(foldAsciiCase('[a-cX_]'), '[a-cX_A-Cx]');
  assert.equal(foldAsciiCase('[^0-z]'), '[^0-zA-Za-z]');
  assert.equal(foldAsciiCase('\\w+\\.(?<Name>x)'), '\\w+\\.(?<Name>[xX])');
});

test('what it cannot rewrite exactly is left to the i flag', () => {
  for (const src of ['caf\u00e9', '\\x41', '\\u0041', '\\cA', '(?s:a)b', '(?is:a)']) assert.equal(foldAsciiCase(src), null, src);
  assert.deepEqual(translateRe2('(?i)caf\u00e9'), { source: 'caf\u00e9', flags: 'i' });
});

test('scoped (?i:…) and (?-i:…) groups switch case-insensitivity for their content', () => {
  assert.equal(foldAsciiCase('(?i:a)b', false), '(?:[aA])b');
  assert.equal(foldAsciiCase('a(?-i:b[c-d])e', true), '[aA](?:b[c-d])[eE]');
  assert.equal(foldAsciiCase('(?i:a(b)c)d', false), '(?:[aA]([bB])[cC])d');
});

test('(?i) route expressions are translated without the i flag', () => {
  assert.deepEqual(translateRe2('^/(?i:api)/x'), { source: '^/(?:[aA][pP][iI])/x', flags: '' });
  assert.deepEqual(translateRe2('(?i)^/api$'), { source: '^/[aA][pP][iI]$', flags: '' });
  assert.deepEqual(translateRe2('(?is)^a.b'), { source: '^[aA].[bB]', flags: 's' });
});

/** Random patterns over ASCII: literals, escapes, classes with ranges and negation, groups, alternation, quantifiers. */
const literal = fc.constantFrom('a', 'B', 'z', 'Z', 'k', 'S', '0', '9', '_', '-', ' ', '/', '\\.', '\\[', '\\]', '\\\\', '\\-', '\\^', '@', '`', '{', '}');
const escape = fc.constantFrom('\\w', '\\W', '\\d', '\\D', '\\s', '\\S', '\\b', '.', '^', '$');
const classAtom = fc.constantFrom('a', 'Z', 'q', '0', '_', '@', '`', '[', '\\]', '\\\\', '\\-', '\\w', '\\d', '\\s', 'a-f', 'X-Z', '0-9', 'A-z', '0-z', '!-~', 'Y-b', '\\^', '^');
const cls = fc.tuple(fc.boolean(), fc.array(classAtom, { minLength: 1, maxLength: 4 })).map(([neg, atoms]) => `[${neg ? '^' : ''}${atoms.join('')}]`);
const { pattern } = fc.letrec((tie) => ({
  atom: fc.oneof({ weight: 4, arbitrary: literal }, { weight: 2, arbitrary: escape }, { weight: 2, arbitrary: cls },
    { weight: 1, arbitrary: tie('pattern').map((p) => `(?:${p as string})`) },
    { weight: 1, arbitrary: tie('pattern').map((p) => `(?<g>${p as string})`) }),
  piece: fc.tuple(tie('atom'), fc.constantFrom('', '', '*', '+', '?', '{1,2}')).map(([a, q]) => `${a as string}${q}`),
  pattern: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fc.array(tie('piece'), { minLength: 1, maxLength: 4 }).map((xs) => (xs as string[]).join('')),
    fc.tuple(tie('piece'), tie('piece')).map(([a, b]) => `${a as string}|${b as string}`)),
}));
const input = fc.string({ unit: fc.constantFrom('a', 'A', 'b', 'B', 'f', 'F', 'k', 'K', 's', 'S', 'z', 'Z', 'q', '0', '_', '-', ' ', '/', '.', '[', ']', '\\', '^', '@', '`', '{', '\u017f', '\u212a', '\u0131', '\u00e9', '\u00c9'), maxLength: 12 });

/** Compares `folded` (run without flags) with the oracle on every input. */
function sameMatches(oracle: RegExp, folded: string, inputs: string[]): void {
  const cs = new RegExp(folded, '');
  for (const s of inputs) {
    const a = oracle.exec(s);
    const b = cs.exec(s);
    assert.deepEqual(b === null ? null : [b.index, ...b], a === null ? null : [a.index, ...a], `${oracle} vs /${folded}/ on ${JSON.stringify(s)}`);
  }
}

function compiles(p: string, flags: string): RegExp | null {
  try {
    return new RegExp(p, flags);
  } catch {
    return null; // duplicate group names and the like: not a valid pattern, nothing to compare
  }
}

test('property: the rewritten pattern matches exactly what the pattern matches with the i flag', () => {
  fc.assert(fc.property(pattern, fc.array(input, { minLength: 1, maxLength: 8 }), (p, inputs) => {
    const oracle = compiles(p, 'i');
    const folded = foldAsciiCase(p, true);
    if (oracle !== null && folded !== null) sameMatches(oracle, folded, inputs);
  }), { numRuns: 3000 });
});

// The oracle is the i flag (or its absence), not V8's own (?i:…) modifiers: in Node 24 they can miss a match,
// e.g. /(?<g>a|(?i:a|[Za]))\w/ finds nothing in "za", where (?i:[Za]) alone matches "z".
test('property: (?i:…) and (?-i:…) around a pattern match as the pattern with and without the i flag', () => {
  fc.assert(fc.property(pattern, fc.boolean(), fc.array(input, { minLength: 1, maxLength: 8 }), (p, on, inputs) => {
    const oracle = compiles(p, on ? 'i' : '');
    const folded = foldAsciiCase(on ? `(?i:${p})` : `(?-i:${p})`, !on);
    if (oracle !== null && folded !== null) sameMatches(oracle, folded, inputs);
  }), { numRuns: 2000 });
});
