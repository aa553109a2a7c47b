/**
 * Flag kinds and their value parsers. Values come either from the command line (always text) or from the
 * YAML config file (text, numbers, booleans, lists); both go through the same parser so a key means the same
 * thing in either place. Durations are stored in milliseconds.
 */
import { parseDuration } from '../net/index.ts';

export type FlagKind = 'string' | 'bool' | 'int' | 'float' | 'duration' | 'list' | 'multi' | 'map';

/**
 * Whether skipjack acts on a flag. `accepted` flags are Skipper flags that parse (so Skipper manifests keep
 * working) but have no effect yet; docs/reference/flags.md says so.
 */
export type FlagStatus = 'implemented' | 'accepted';

/** One row of the flag table. */
export interface FlagDef<T> {
  readonly name: string;
  readonly kind: FlagKind;
  readonly default: T;
  readonly help: string;
  readonly status: FlagStatus;
  /** The default as the docs show it, when it depends on the machine (e.g. the CPU count). */
  readonly docDefault?: string;
  /** Parses one occurrence; `previous` lets repeatable flags accumulate. Throws a plain Error with the reason. */
  parse(raw: unknown, previous: T): T;
}

/** The value type a flag definition produces. */
export type FlagValue<D> = D extends FlagDef<infer T> ? T : never;

function text(raw: unknown, what: string): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw new Error(`expected ${what}`);
}

/** Go's strconv.ParseBool spellings, which Skipper's flag package accepts. */
const BOOLS: Record<string, boolean> = {
  '1': true, t: true, T: true, true: true, TRUE: true, True: true,
  '0': false, f: false, F: false, false: false, FALSE: false, False: false,
};

function parseBool(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  const v = BOOLS[text(raw, 'a boolean')];
  if (v === undefined) throw new Error('expected a boolean (true or false)');
  return v;
}

function parseInt10(raw: unknown): number {
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  const s = text(raw, 'an integer').trim();
  if (!/^[+-]?(\d+|0x[0-9a-fA-F]+)$/.test(s)) throw new Error('expected an integer');
  const n = s.includes('x') ? (s.startsWith('-') ? -1 : 1) * Number.parseInt(s.replace(/^[+-]/, ''), 16) : Number(s);
  if (!Number.isSafeInteger(n)) throw new Error('integer out of range');
  return n;
}

function parseFloat64(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  const s = text(raw, 'a number').trim();
  const n = Number(s);
  if (s === '' || Number.isNaN(n)) throw new Error('expected a number');
  return n;
}

function parseDurationValue(raw: unknown): number {
  // YAML numbers are taken as Go would take a time.Duration integer: nanoseconds.
  if (typeof raw === 'number') return raw / 1e6;
  return parseDuration(text(raw, 'a duration such as 10s, 1m30s or 100ms'));
}

function parseList(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map((x) => text(x, 'a list of strings'));
  const s = text(raw, 'a comma-separated list');
  return s === '' ? [] : s.split(',').map((x) => x.trim());
}

function parseMap(raw: unknown, previous: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...previous };
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [k, v] of Object.entries(raw)) out[k] = text(v, 'a map of strings');
    return out;
  }
  const s = text(raw, 'key=value pairs');
  if (s === '') return out;
  for (const pair of s.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`expected key=value, got "${pair}"`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

interface Opts {
  status?: FlagStatus;
  docDefault?: string;
}

function def<T>(kind: FlagKind, name: string, dflt: T, help: string, parse: FlagDef<T>['parse'], o: Opts): FlagDef<T> {
  return Object.freeze({ name, kind, default: dflt, help, status: o.status ?? 'implemented', docDefault: o.docDefault, parse });
}

/** Builders for the flag table, one per kind. */
export const flag = {
  string: (name: string, dflt: string, help: string, o: Opts = {}): FlagDef<string> =>
    def('string', name, dflt, help, (raw) => text(raw, 'a string'), o),
  bool: (name: string, dflt: boolean, help: string, o: Opts = {}): FlagDef<boolean> =>
    def('bool', name, dflt, help, parseBool, o),
  int: (name: string, dflt: number, help: string, o: Opts = {}): FlagDef<number> =>
    def('int', name, dflt, help, parseInt10, o),
  float: (name: string, dflt: number, help: string, o: Opts = {}): FlagDef<number> =>
    def('float', name, dflt, help, parseFloat64, o),
  /** Go duration text (`10s`, `1m30s`, `100ms`); the value is in milliseconds. */
  duration: (name: string, dfltMs: number, help: string, o: Opts = {}): FlagDef<number> =>
    def('duration', name, dfltMs, help, parseDurationValue, o),
  /** Comma-separated list; a later occurrence replaces an earlier one (Skipper's listFlag). */
  list: (name: string, dflt: string[], help: string, o: Opts = {}): FlagDef<string[]> =>
    def('list', name, dflt, help, parseList, o),
  /** Repeatable flag; every occurrence adds one value (Skipper's multiFlag). */
  multi: (name: string, help: string, o: Opts = {}): FlagDef<string[]> =>
    def<string[]>('multi', name, [], help, (raw, prev) => (Array.isArray(raw) ? [...prev, ...parseList(raw)] : [...prev, text(raw, 'a string')]), o),
  /** `key=value,key=value`, repeatable (Skipper's mapFlags). */
  map: (name: string, help: string, o: Opts = {}): FlagDef<Record<string, string>> =>
    def<Record<string, string>>('map', name, {}, help, parseMap, o),
};
