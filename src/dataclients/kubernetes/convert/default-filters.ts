/**
 * Default filters (`-default-filters-dir`): files named `<service>.<namespace>`, each an eskip filter
 * chain prepended to the routes whose backend is that service. Files are read once per conversion and
 * each is parsed lazily, at most once.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FilterCall } from '../../../eskip/index.ts';
import { parseFilters } from '../../../eskip/index.ts';
import type { KubeLogger } from './types.ts';

/** Larger files are skipped as incompatible (Skipper's limit). */
export const maxDefaultFiltersFileSize = 1 << 20;

interface FilterSet {
  text: string;
  filters?: FilterCall[];
  error?: string;
}

/** The default filter chains of one directory, keyed `<namespace>/<service>`. */
export class DefaultFilters {
  private readonly sets: Map<string, FilterSet>;
  private readonly onLookup: ((key: string) => void) | undefined;

  private constructor(sets: Map<string, FilterSet>, onLookup?: (key: string) => void) {
    this.sets = sets;
    this.onLookup = onLookup;
  }

  /** No default filters (option unset or directory unreadable). */
  static empty(): DefaultFilters {
    return new DefaultFilters(new Map());
  }

  /**
   * Reads the directory. An unreadable directory logs Skipper's error and yields no default filters;
   * files with other names, non-regular files and oversized files are skipped.
   */
  static fromDir(dir: string, log: KubeLogger, onLookup?: (key: string) => void): DefaultFilters {
    const sets = new Map<string, FilterSet>();
    if (dir === '') return new DefaultFilters(sets, onLookup);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      log({ level: 'error', msg: `could not fetch default filter configurations: ${(err as Error).message}` });
      return new DefaultFilters(sets, onLookup);
    }
    for (const e of entries) {
      const parts = e.name.split('.');
      if (parts.length !== 2 || !(e.isFile() || e.isSymbolicLink())) {
        log({ level: 'debug', msg: `incompatible file: ${e.name}` });
        continue;
      }
      const file = join(dir, e.name);
      try {
        if (statSync(file).size > maxDefaultFiltersFileSize) {
          log({ level: 'debug', msg: `incompatible file: ${e.name}` });
          continue;
        }
        sets.set(`${parts[1]}/${parts[0]}`, { text: readFileSync(file, 'utf8') });
      } catch (err) {
        log({ level: 'debug', msg: `could not read file ${file}: ${(err as Error).message}` });
      }
    }
    return new DefaultFilters(sets, onLookup);
  }

  /** The file text configured for `<namespace>/<service>`, undefined when none (identity for caching). */
  text(key: string): string | undefined {
    return this.sets.get(key)?.text;
  }

  /** The configured `<namespace>/<service>` keys with their file text. */
  *texts(): IterableIterator<[string, string]> {
    for (const [k, v] of this.sets) yield [k, v.text];
  }

  /** Number of configured services. */
  get size(): number {
    return this.sets.size;
  }

  /**
   * A fresh copy of the service's default filters ([] when none are configured). Throws an Error with
   * Skipper's `[eskip] default filters: …` text when the file does not parse.
   */
  get(namespace: string, service: string): FilterCall[] {
    const key = `${namespace}/${service}`;
    this.onLookup?.(key);
    const fs = this.sets.get(key);
    if (fs === undefined) return [];
    if (fs.filters === undefined && fs.error === undefined) {
      try {
        fs.filters = parseFilters(fs.text);
      } catch (err) {
        fs.error = `[eskip] default filters: ${(err as Error).message}`;
      }
    }
    if (fs.error !== undefined) throw new Error(fs.error);
    return fs.filters!.map((f) => ({ name: f.name, args: [...f.args] }));
  }
}
