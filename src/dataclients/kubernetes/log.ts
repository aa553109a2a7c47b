/**
 * Conversion log lines in logrus TextFormatter form (`time="…" level=error msg="…" kind=Ingress name=x
 * ns=y`), the text Skipper's fixture `.log` patterns are written against and operators grep for.
 */
import type { KubeLogEntry } from './convert/index.ts';

/** Characters logrus leaves unquoted (its needsQuoting). */
const BARE = /^[A-Za-z0-9\-._/@^+]+$/;

/** Go's strconv.Quote: `"` and `\` escaped, C escapes for controls, \x/\u for other non-printables. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if ((c >= 0x80 && c < 0xa0) || c === 0x2028 || c === 0x2029 || c === 0xfeff) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

function value(s: string): string {
  return s === '' || BARE.test(s) ? s : goQuote(s);
}

/** Renders one entry; `level=warn` is logrus' `warning`. Data fields follow in logrus' sorted key order. */
export function formatLogrus(e: KubeLogEntry, time: Date = new Date()): string {
  const level = e.level === 'warn' ? 'warning' : e.level;
  let line = `time=${goQuote(time.toISOString().replace(/\.\d{3}Z$/, 'Z'))} level=${level} msg=${value(e.msg)}`;
  if (e.kind !== undefined) line += ` kind=${value(e.kind)}`;
  if (e.name !== undefined) line += ` name=${value(e.name)}`;
  if (e.ns !== undefined) line += ` ns=${value(e.ns)}`;
  return line;
}

/** A logger writing logrus lines to stderr at Info level and above, as Skipper's default. */
export function stderrKubeLogger(minLevel: KubeLogEntry['level'] = 'info'): (e: KubeLogEntry) => void {
  const order = { debug: 0, info: 1, warn: 2, error: 3 } as const;
  return (e) => {
    if (order[e.level] >= order[minLevel]) process.stderr.write(formatLogrus(e) + '\n');
  };
}
