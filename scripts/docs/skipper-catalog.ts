/**
 * Takes Skipper's filter names, flag names and documented deployment args from a Skipper git directory (the
 * search tool's `fetch github:zalando/skipper` gives one) and writes docs/data/skipper-catalog.json, the data
 * docs/migrate-from-skipper.md is generated against:
 *   npx node scripts/docs/skipper-catalog.ts /path/to/skipper/git-dir
 * Facts only: names and args, no Skipper text.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export interface SkipperCatalog {
  source: string;
  commit: string;
  /** Every filter name constant of filters/filters.go (the names Skipper's registry can hold). */
  filters: string[];
  /** Every flag config/config.go defines. */
  flags: string[];
  /** The container args of Skipper's documented deployments (docs/kubernetes/deploy/…), per file. */
  deployArgs: Record<string, string[]>;
}

const DEPLOY_FILES = ['docs/kubernetes/deploy/deployment/deployment.yaml', 'docs/kubernetes/deploy/daemonset/daemonset.yaml'];

function show(gitDir: string, path: string): string {
  return execFileSync('git', ['-C', gitDir, 'show', `HEAD:${path}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** String constants of the `const ( … )` blocks whose value is an identifier (the others are state-bag keys). */
export function filterNames(filtersGo: string): string[] {
  const names = new Set<string>();
  for (const block of filtersGo.matchAll(/^const \(([\s\S]*?)^\)/gm)) {
    for (const m of block[1]!.matchAll(/=\s*"([A-Za-z][A-Za-z0-9]*)"/g)) names.add(m[1]!);
  }
  return [...names].sort();
}

export function flagNames(configGo: string): string[] {
  const names = new Set<string>();
  for (const m of configGo.matchAll(/\bflag\.[A-Za-z0-9]*Var\(\s*[^,]+,\s*"([a-z0-9-]+)"/g)) names.add(m[1]!);
  for (const m of configGo.matchAll(/\bflag\.Func\(\s*"([a-z0-9-]+)"/g)) names.add(m[1]!);
  return [...names].sort();
}

export function deployArgs(yamlText: string): string[] {
  for (const d of parseAllDocuments(yamlText)) {
    const o = d.toJS() as { spec?: { template?: { spec?: { containers?: { args?: string[] }[] } } } } | null;
    const args = o?.spec?.template?.spec?.containers?.[0]?.args;
    if (args !== undefined) return args;
  }
  throw new Error('no container args');
}

export function readCatalog(gitDir: string): SkipperCatalog {
  const commit = execFileSync('git', ['-C', gitDir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  return {
    source: 'github.com/zalando/skipper',
    commit,
    filters: filterNames(show(gitDir, 'filters/filters.go')),
    flags: flagNames(show(gitDir, 'config/config.go')),
    deployArgs: Object.fromEntries(DEPLOY_FILES.map((f) => [f, deployArgs(show(gitDir, f))])),
  };
}

export const CATALOG_PATH = new URL('../../docs/data/skipper-catalog.json', import.meta.url);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (dir === undefined) throw new Error('usage: skipper-catalog.ts SKIPPER_GIT_DIR');
  const c = readCatalog(dir);
  writeFileSync(CATALOG_PATH, `${JSON.stringify(c, null, 2)}\n`);
  process.stdout.write(`${c.filters.length} filters, ${c.flags.length} flags from ${c.commit}\n`);
}
