/**
 * Serving one file-system path the way Go's http.FileServer does for Skipper's static filter: index.html
 * for directories, a directory listing otherwise, canonical-slash redirects, Last-Modified with
 * If-Modified-Since, single byte ranges, and HEAD. Paths never leave the root, symbolic links included.
 */
import { createReadStream } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FilterResponse } from '../../routing/filter-contract.ts';
import type { HeaderBag } from '../../routing/types.ts';
import { escapePath, getFirst } from '../../net/index.ts';
import { detectContentType } from './sniff.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.txt': 'text/plain; charset=utf-8', '.xml': 'text/xml; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.webp': 'image/webp', '.avif': 'image/avif', '.ico': 'image/x-icon', '.pdf': 'application/pdf',
  '.wasm': 'application/wasm', '.woff': 'font/woff', '.woff2': 'font/woff2', '.mp4': 'video/mp4',
  '.webm': 'video/webm', '.zip': 'application/zip', '.gz': 'application/gzip',
};

function text(status: number, body: string, extra: HeaderBag = {}): FilterResponse {
  const buf = Buffer.from(body);
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff',
      'content-length': String(buf.length), ...extra },
    body: Readable.from([buf], { objectMode: false }),
  };
}

/** The 404 Go's FileServer answers with. */
export const notFound = (): FilterResponse => text(404, '404 page not found\n');

function redirect(location: string): FilterResponse {
  return { status: 301, headers: { location }, body: null };
}

function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);
}

async function listing(dir: string, method: string): Promise<FilterResponse> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  let html = '<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n';
  for (const e of entries) {
    const name = e.isDirectory() ? `${e.name}/` : e.name;
    let href = escapePath(name);
    if (href.split('/')[0]!.includes(':')) href = `./${href}`;
    html += `<a href="${htmlEscape(href)}">${htmlEscape(name)}</a>\n`;
  }
  html += '</pre>\n';
  const buf = Buffer.from(html);
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': String(buf.length) },
    body: method === 'HEAD' ? null : Readable.from([buf], { objectMode: false }),
  };
}

async function sniffFile(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    return detectContentType(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** A single "bytes=a-b" range within size, or null to serve the whole file (as Go does for what it ignores). */
function singleRange(header: string, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (start >= size || end < start) return 'unsatisfiable';
  }
  return { start, end };
}

async function fileResponse(file: string, st: Stats, reqHeaders: HeaderBag, method: string): Promise<FilterResponse> {
  const modified = Math.floor(st.mtimeMs / 1000) * 1000;
  const lastModified = new Date(modified).toUTCString();
  const ims = Date.parse(getFirst(reqHeaders, 'if-modified-since'));
  if (!Number.isNaN(ims) && modified <= ims) {
    return { status: 304, headers: { 'last-modified': lastModified }, body: null };
  }
  const type = TYPES[path.extname(file).toLowerCase()] ?? (await sniffFile(file));
  const headers: HeaderBag = { 'content-type': type, 'last-modified': lastModified, 'accept-ranges': 'bytes' };
  const range = getFirst(reqHeaders, 'range');
  const r = range === '' ? null : singleRange(range, st.size);
  if (r === 'unsatisfiable') return text(416, 'invalid range: failed to overlap\n', { 'content-range': `bytes */${st.size}` });
  const head = method === 'HEAD';
  if (r === null) {
    headers['content-length'] = String(st.size);
    return { status: 200, headers, body: head ? null : createReadStream(file) };
  }
  headers['content-range'] = `bytes ${r.start}-${r.end}/${st.size}`;
  headers['content-length'] = String(r.end - r.start + 1);
  return { status: 206, headers, body: head ? null : createReadStream(file, { start: r.start, end: r.end }) };
}

/**
 * Serves `urlPath` (decoded, after the prefix was stripped) from `root` (an absolute, real path).
 * Mirrors Go's serveFile with redirects on: "/x/index.html" → "./", a directory without a trailing
 * slash → "x/", a file with one → "../x".
 */
export async function serveFromRoot(root: string, urlPath: string, reqHeaders: HeaderBag, method: string): Promise<FilterResponse> {
  const upath = urlPath.startsWith('/') ? urlPath : `/${urlPath}`;
  if (upath.includes('\0')) return notFound();
  if (upath.endsWith('/index.html')) return redirect('./');
  // Like Go's path.Clean: ".." resolved against the leading "/" (so the join cannot climb above root),
  // no trailing slash.
  let clean = path.posix.normalize(upath);
  if (clean.length > 1 && clean.endsWith('/')) clean = clean.slice(0, -1);
  const target = path.join(root, clean);
  let real: string;
  let st: Stats;
  try {
    real = await realpath(target);
    if (real !== root && !real.startsWith(root + path.sep)) return notFound();
    st = await stat(real);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return text(403, '403 Forbidden\n');
    if (code === 'ENOENT' || code === 'ENOTDIR') return notFound();
    return text(500, '500 Internal Server Error\n');
  }
  if (st.isDirectory()) {
    if (!upath.endsWith('/')) return redirect(`${path.posix.basename(upath)}/`);
    const index = path.join(real, 'index.html');
    const ist = await stat(index).catch(() => null);
    if (ist !== null && ist.isFile()) return fileResponse(index, ist, reqHeaders, method);
    return listing(real, method).catch(() => text(500, '500 Internal Server Error\n'));
  }
  if (upath.endsWith('/')) return redirect(`../${path.posix.basename(upath)}`);
  return fileResponse(real, st, reqHeaders, method);
}
