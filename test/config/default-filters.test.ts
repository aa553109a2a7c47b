/** -default-filters-prepend/-append: a filter that cannot be created fails start-up, naming the flag. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDefaultFilters } from '../../src/config/default-filters.ts';
import { ConfigError } from '../../src/config/errors.ts';
import { builtinFilters } from '../../src/filters/builtin.ts';

const none = { defaultFiltersPrepend: '', defaultFiltersAppend: '', disabledFilters: [] as string[] };

function failure(c: Partial<typeof none>): ConfigError {
  try {
    checkDefaultFilters({ ...none, ...c }, builtinFilters());
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail('expected a ConfigError');
}

test('a default filter skipjack lacks (oauthTokeninfoAnyScope) names the flag and the filter', () => {
  const e = failure({ defaultFiltersPrepend: 'enableAccessLog(4,5) -> oauthTokeninfoAnyScope("uid")' });
  assert.match(e.message, /flag -default-filters-prepend: filter "oauthTokeninfoAnyScope" not found/);
  assert.equal(e.code, 'SKJ_ERR_CONFIG_FLAG');
});

test('bad arguments name the flag and the reason', () => {
  const e = failure({ defaultFiltersAppend: 'status("many")' });
  assert.match(e.message, /flag -default-filters-append: failed to create filter "status"/);
});

test('a default filter that -disabled-filters turns off is refused', () => {
  const e = failure({ defaultFiltersPrepend: 'status(200)', disabledFilters: ['status'] });
  assert.match(e.message, /flag -default-filters-prepend: filter "status" is disabled by -disabled-filters/);
});

test('creatable default filters pass, and none at all pass', () => {
  checkDefaultFilters({ ...none, defaultFiltersPrepend: 'enableAccessLog(4,5)', defaultFiltersAppend: 'setResponseHeader("X-A", "b")' }, builtinFilters());
  checkDefaultFilters(none, builtinFilters());
});
