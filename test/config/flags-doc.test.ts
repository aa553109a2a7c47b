import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderFlagsMarkdown } from '../../src/config/flags-doc.ts';
import { flagTable } from '../../src/config/table.ts';

test('docs/reference/flags.md is generated from the flag table', () => {
  const doc = readFileSync(new URL('../../docs/reference/flags.md', import.meta.url), 'utf8');
  assert.equal(doc, renderFlagsMarkdown(), 'regenerate with: npx node src/config/flags-doc.ts > docs/reference/flags.md');
});

test('every config key is the camelCase of its flag name, and names are unique', () => {
  const names = new Set<string>();
  for (const [key, def] of Object.entries(flagTable)) {
    const camel = def.name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    assert.equal(key, camel, def.name);
    assert.ok(!names.has(def.name), `duplicate ${def.name}`);
    names.add(def.name);
  }
});
