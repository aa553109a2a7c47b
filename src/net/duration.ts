/** Go's time.ParseDuration, returning milliseconds, and the inverse for docs. */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000,
};

const PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/**
 * Parses `300ms`, `1.5h`, `2h45m`, `-1m`, `0` as Go does. Throws an Error naming the text on anything else
 * (Go rejects a bare number other than 0, so `10` is an error, not ten seconds).
 */
export function parseDuration(text: string): number {
  let s = text.trim();
  const fail = (): never => {
    throw new Error(`invalid duration "${text}" (expected e.g. 10s, 1m30s, 100ms)`);
  };
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') fail();
  let total = 0;
  while (s !== '') {
    const m = PART.exec(s);
    if (m === null) return fail();
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    s = s.slice(m[0].length);
  }
  return sign * total;
}

/** Formats milliseconds the way Go prints a time.Duration (`1m30s`, `100ms`, `0s`), for docs and help. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1000) return `${ms}ms`;
  let rest = ms / 1000;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  rest -= m * 60;
  const sec = Number(rest.toFixed(3));
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${sec}s`;
}
