/** The package version, read from the package.json next to src/ (source runs) or dist/ (built runs). */
import { readFileSync } from 'node:fs';

export function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'skipjack' && pkg.version !== undefined) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return 'unknown';
}
