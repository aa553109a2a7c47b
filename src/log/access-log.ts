/**
 * The access log: Apache combined format with Skipper's additions (duration in ms, requested host, flow id,
 * audit), or the same fields as JSON with -access-log-json-enabled. Written to stdout.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Writable } from 'node:stream';
import { createLineWriter } from './line-writer.ts';

/** One served request. */
export interface AccessEntry {
  method: string;
  /** The request target as received (path and query). */
  uri: string;
  /** "HTTP/1.1" */
  proto: string;
  headers: IncomingHttpHeaders;
  remoteAddress: string;
  status: number;
  responseSize: number;
  /** When the request arrived, ms since the epoch. */
  startTime: number;
  durationMs: number;
  authUser?: string;
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

function header(h: IncomingHttpHeaders, name: string): string {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

function dash(s: string): string {
  return s === '' ? '-' : s;
}

/** Skipper logs X-Forwarded-For as is when present, otherwise the peer address. */
function remoteHost(e: AccessEntry): string {
  return header(e.headers, 'x-forwarded-for') || e.remoteAddress;
}

export function formatCombined(e: AccessEntry): string {
  return `${dash(remoteHost(e))} - ${dash(e.authUser ?? '')} [${apacheDate(e.startTime)}] "${e.method} ${e.uri} ${e.proto}" ` +
    `${e.status} ${e.responseSize} "${dash(header(e.headers, 'referer'))}" "${dash(header(e.headers, 'user-agent'))}" ` +
    `${Math.floor(e.durationMs)} ${dash(header(e.headers, 'host'))} ${dash(header(e.headers, 'x-flow-id'))} ${dash(header(e.headers, 'x-unverified-audit'))}\n`;
}

export function formatJson(e: AccessEntry): string {
  return `${JSON.stringify({
    audit: header(e.headers, 'x-unverified-audit'), 'auth-user': e.authUser ?? '', duration: Math.floor(e.durationMs),
    'flow-id': header(e.headers, 'x-flow-id'), host: remoteHost(e), level: 'info', method: e.method, msg: '',
    proto: e.proto, referer: header(e.headers, 'referer'), 'requested-host': header(e.headers, 'host'),
    'response-size': e.responseSize, status: e.status, time: new Date().toISOString(), timestamp: apacheDate(e.startTime),
    uri: e.uri, 'user-agent': header(e.headers, 'user-agent'),
  })}\n`;
}

export function createAccessLog(o: { json: boolean; out?: Writable | NodeJS.WriteStream }): AccessLog {
  const writer = createLineWriter(o.out ?? process.stdout);
  const format = o.json ? formatJson : formatCombined;
  return { log: (e) => writer.write(format(e)) };
}
