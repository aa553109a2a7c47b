/** A flag accepted without effect warns once at start-up, when the user set it; driven by the status field. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceptedFlagWarnings } from '../../src/config/accepted-flags.ts';
import type { FlagDef } from '../../src/config/flag-types.ts';
import { loadConfigDetailed } from '../../src/config/load.ts';
import { flagTable } from '../../src/config/table.ts';

const defs = Object.values(flagTable) as FlagDef<unknown>[];
const accepted = defs.filter((d) => d.status === 'accepted');
const implemented = defs.filter((d) => d.status === 'implemented');

/** A command-line occurrence setting the flag to a value its parser takes. */
function arg(d: FlagDef<unknown>): string {
  const values: Record<string, string> = { bool: 'true', int: '1', float: '1', duration: '1s', list: 'a', multi: 'a', map: 'a=b', string: 'x' };
  return `-${d.name}=${values[d.kind]}`;
}

test('defaults warn about nothing', () => {
  assert.deepEqual(acceptedFlagWarnings(loadConfigDetailed([]).explicit), []);
});

test('an accepted flag set on the command line gets exactly one warning naming it', { skip: accepted.length === 0 ? 'no flag is accepted without effect any more' : false }, () => {
  const d = accepted.find((x) => x.kind === 'bool') ?? accepted[0]!;
  const warnings = acceptedFlagWarnings(loadConfigDetailed([arg(d), arg(d)]).explicit);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, new RegExp(`flag -${d.name} .*no effect`));
});

test('implemented flags never warn', () => {
  const safe = implemented.filter((d) => d.kind === 'bool' && d.name !== 'version');
  assert.ok(safe.length > 0);
  // -validation-webhook-enabled needs its certificate and key named (the files are read at start, not here).
  const companions = ['-validation-webhook-cert-file=tls.crt', '-validation-webhook-key-file=tls.key'];
  assert.deepEqual(acceptedFlagWarnings(loadConfigDetailed([...safe.map(arg), ...companions]).explicit), []);
});

test('a key set in -config-file counts as set', { skip: accepted.length === 0 ? 'no flag is accepted without effect any more' : false }, (t) => {
  const d = accepted.find((x) => x.kind === 'bool') ?? accepted[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'skj-accepted-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `${d.name}: ${arg(d).split('=')[1]}\n`);
  const warnings = acceptedFlagWarnings(loadConfigDetailed([`-config-file=${file}`]).explicit);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, new RegExp(`-${d.name} `));
});

test('every accepted flag set at once gives one warning each, in table order', { skip: accepted.length === 0 ? 'no flag is accepted without effect any more' : false }, () => {
  const warnings = acceptedFlagWarnings(loadConfigDetailed(accepted.map(arg)).explicit);
  assert.deepEqual(warnings.map((w) => /^flag -(\S+)/.exec(w)![1]), accepted.map((d) => d.name));
});
