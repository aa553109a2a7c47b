/**
 * The access log: Apache combined format with Skipper's additions (duration in ms, requested host, flow id,
 * audit), or the same fields as JSON with -access-log-json-enabled. Written to stderr unless -access-log names a file (Skipper's default).
 */
import { createLineWriter, type LogSink } from './line-writer.ts';
import { clientHost } from './client-host.ts';

/** One served request; the proxy's RequestDoneEvent satisfies it. */
export interface AccessEntry {
  method: string;
  /** The request target as received (path and query). */
  uri: string;
  /** "1.1" */
  httpVersion: string;
  /** The Host header as received. */
  host: string;
  remoteAddress: string;
  /** The request's X-Forwarded-For, when it had one; the client field is derived from it (client-host.ts). */
  forwardedFor?: string;
  userAgent: string;
  referer: string;
  status: number;
  /** Response body bytes written. */
  bytes: number;
  /** When the request arrived, ms since the epoch. */
  startTime: number;
  durationMs: number;
  flowId?: string;
  authUser?: string;
  audit?: string;
}

export interface AccessLog {
  log(e: AccessEntry): void;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `02/Jan/2006:15:04:05 -0700` in local time, as Go formats it. */
export function apacheDate(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${two(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${sign}${two(Math.floor(a / 60))}${two(a % 60)}`;
}

function dash(s: string | undefined): string {
  return s === undefined || s === '' ? '-' : s;
}

export function formatCombined(e: AccessEntry): string {
  return `${dash(clientHost(e.remoteAddress, e.forwardedFor))} - ${dash(e.authUser)} [${apacheDate(e.startTime)}] "${e.method} ${e.uri} HTTP/${e.httpVersion}" ` +
    `${e.status} ${e.bytes} "${dash(e.referer)}" "${dash(e.userAgent)}" ${Math.floor(e.durationMs)} ${dash(e.host)} ${dash(e.flowId)} ${dash(e.audit)}\n`;
}

export function formatJson(e: AccessEntry): string {
  return `${JSON.stringify({
    audit: e.audit ?? '', 'auth-user': e.authUser ?? '', duration: Math.floor(e.durationMs), 'flow-id': e.flowId ?? '',
    host: clientHost(e.remoteAddress, e.forwardedFor), level: 'info', method: e.method, msg: '', proto: `HTTP/${e.httpVersion}`, referer: e.referer,
    'requested-host': e.host, 'response-size': e.bytes, status: e.status, time: new Date().toISOString(),
    timestamp: apacheDate(e.startTime), uri: e.uri, 'user-agent': e.userAgent,
  })}\n`;
}

/** `/a?b=1` → `/a` (Skipper's -access-log-strip-query). */
export function stripQuery(uri: string): string {
  const q = uri.indexOf('?');
  return q < 0 ? uri : uri.slice(0, q);
}

export function createAccessLog(o: { json: boolean; stripQuery?: boolean; out?: LogSink }): AccessLog {
  const writer = createLineWriter(o.out ?? process.stderr);
  const format = o.json ? formatJson : formatCombined;
  if (o.stripQuery === true) return { log: (e) => writer.write(format({ ...e, uri: stripQuery(e.uri) })) };
  return { log: (e) => writer.write(format(e)) };
}
