/**
 * Cookie header reading and writing with Go net/http's rules (readCookies, Cookie.String), which the
 * cookie filters and `${request.cookie.x}` placeholders follow in Skipper.
 */
import type { HeaderBag } from '../../routing/types.ts';
import { getAll } from '../../net/index.ts';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A cookie-value octet (RFC 6265 §4.1.1) as Go accepts it: no controls, DQUOTE, ";" or "\"; space and comma allowed. */
function validValueByte(c: number): boolean {
  return c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x3b && c !== 0x5c;
}

function parseValue(raw: string): string | null {
  let v = raw;
  if (v.length > 1 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
  for (let i = 0; i < v.length; i++) if (!validValueByte(v.charCodeAt(i))) return null;
  return v;
}

/** One cookie of a Cookie request header: its name, value and the text it was written as. */
export interface RequestCookie {
  name: string;
  value: string;
  raw: string;
}

/** Every well-formed cookie of the Cookie header lines, in order (Go's Request.Cookies). */
export function requestCookies(headers: HeaderBag): RequestCookie[] {
  const out: RequestCookie[] = [];
  for (const line of getAll(headers, 'cookie')) {
    for (const piece of line.split(';')) {
      const part = piece.trim();
      if (part === '') continue;
      const eq = part.indexOf('=');
      const name = eq === -1 ? part : part.slice(0, eq);
      if (!TOKEN.test(name)) continue;
      const value = parseValue(eq === -1 ? '' : part.slice(eq + 1));
      if (value === null) continue;
      out.push({ name, value, raw: part });
    }
  }
  return out;
}

/** The value of the first cookie named `name`, or null (Go's Request.Cookie). */
export function requestCookie(headers: HeaderBag, name: string): string | null {
  const line = headers['cookie'];
  if (line === undefined) return null;
  for (const c of requestCookies(headers)) if (c.name === name) return c.value;
  return null;
}

/** Go's sanitizeCookieValue: drops invalid bytes, quotes values with a space or comma. */
export function sanitizeCookieValue(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) if (validValueByte(v.charCodeAt(i))) out += v[i];
  return out.includes(' ') || out.includes(',') ? `"${out}"` : out;
}

/** The cookie name of a Set-Cookie line, or null when it is malformed. */
export function setCookieName(line: string): string | null {
  const semi = line.indexOf(';');
  const pair = (semi === -1 ? line : line.slice(0, semi)).trim();
  const eq = pair.indexOf('=');
  if (eq <= 0) return null;
  const name = pair.slice(0, eq).trim();
  return TOKEN.test(name) ? name : null;
}

const LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** Go's validCookieDomain: a DNS name with a letter in it, or an IPv4 address. */
export function validCookieDomain(d: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(d)) return d.split('.').every((o) => Number(o) <= 255);
  const name = d.startsWith('.') ? d.slice(1) : d;
  if (name === '' || name.length > 255) return false;
  const labels = name.split('.');
  return labels.every((l) => LABEL.test(l)) && /[A-Za-z_]/.test(name);
}
