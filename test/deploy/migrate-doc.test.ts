/**
 * docs/migrate-from-skipper.md is what scripts/docs/migrate.ts renders from the code (flag table, the filters
 * the skipjack command knows) and Skipper's names (docs/data/skipper-catalog.json); Skipper's documented
 * deployment args parse as skipjack flags.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/load.ts';
import { DOC_PATH, readSkipperCatalog, renderMigrateDoc } from '../../scripts/docs/migrate.ts';
import { filterNames, flagNames } from '../../scripts/docs/skipper-catalog.ts';

test('docs/migrate-from-skipper.md is generated: `npm run docs:migrate`', async () => {
  assert.equal(readFileSync(DOC_PATH, 'utf8'), await renderMigrateDoc(), 'stale: run npm run docs:migrate');
});

test('Skipper catalog: 177 filter names and the flag list, as extracted', () => {
  const c = readSkipperCatalog();
  assert.equal(c.filters.length, 177);
  assert.ok(c.flags.length > 250, `${c.flags.length} flags`);
  for (const f of ['setPath', 'ratelimit', 'clusterRatelimit', 'lifo', 'oauthTokeninfoAnyScope']) assert.ok(c.filters.includes(f), f);
  for (const f of ['address', 'kubernetes-in-cluster', 'proxy-preserve-host', 'validation-webhook-enabled']) assert.ok(c.flags.includes(f), f);
  // The extractors on Go text shaped like Skipper's.
  assert.deepEqual(filterNames('const (\n\tAName = "setPath"\n\tKey = "backend:timeout"\n)\nconst (\n\tB = "tee"\n)\n'), ['setPath', 'tee']);
  assert.deepEqual(flagNames('flag.StringVar(&cfg.A, "address", ":9090", "x")\n\tflag.Func("tls-client-auth", "y", f)\n\tflag.Var(&cfg.B, "routes-urls", "z")'), ['address', 'routes-urls', 'tls-client-auth']);
});

test('Skipper\'s documented deployment args are flags skipjack starts with', () => {
  const { deployArgs } = readSkipperCatalog();
  assert.ok(Object.keys(deployArgs).length >= 2);
  for (const [file, args] of Object.entries(deployArgs)) {
    assert.equal(args[0], 'skipper', `${file}: the image's skipper alias runs skipjack`);
    assert.doesNotThrow(() => loadConfig(args.slice(1)), `${file}`);
  }
});
