/**
 * Content type detection as Go's http.DetectContentType does it (WHATWG MIME sniffing, first 512 bytes),
 * for inlineContent without a type and static files whose extension says nothing.
 */

const HTML_TAGS = ['<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A',
  '<STYLE', '<TITLE', '<B', '<BODY', '<BR', '<P', '<!--'];

const MAGIC: [number[] | string, string][] = [
  ['%PDF-', 'application/pdf'],
  ['%!PS-Adobe-', 'application/postscript'],
  [[0xfe, 0xff], 'text/plain; charset=utf-16be'],
  [[0xff, 0xfe], 'text/plain; charset=utf-16le'],
  [[0xef, 0xbb, 0xbf], 'text/plain; charset=utf-8'],
  [[0x00, 0x00, 0x01, 0x00], 'image/x-icon'],
  [[0x00, 0x00, 0x02, 0x00], 'image/x-icon'],
  ['BM', 'image/bmp'],
  ['GIF87a', 'image/gif'],
  ['GIF89a', 'image/gif'],
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'image/png'],
  [[0xff, 0xd8, 0xff], 'image/jpeg'],
  ['wOFF', 'font/woff'],
  ['wOF2', 'font/woff2'],
  ['OggS\x00', 'application/ogg'],
  [[0x1f, 0x8b, 0x08], 'application/x-gzip'],
  ['PK\x03\x04', 'application/zip'],
  ['Rar!\x1a\x07\x00', 'application/x-rar-compressed'],
  ['Rar!\x1a\x07\x01\x00', 'application/x-rar-compressed'],
  ['\x00asm', 'application/wasm'],
];

function startsWith(data: Uint8Array, at: number, sig: number[] | string): boolean {
  const n = sig.length;
  if (data.length - at < n) return false;
  for (let i = 0; i < n; i++) {
    const want = typeof sig === 'string' ? sig.charCodeAt(i) : sig[i]!;
    if (data[at + i] !== want) return false;
  }
  return true;
}

function isWhitespace(b: number): boolean {
  return b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || b === 0x20;
}

function htmlAt(data: Uint8Array, at: number): boolean {
  for (const tag of HTML_TAGS) {
    if (data.length - at < tag.length + 1) continue;
    let ok = true;
    for (let i = 0; i < tag.length && ok; i++) {
      let b = data[at + i]!;
      if (b >= 0x61 && b <= 0x7a) b -= 0x20; // case-insensitive for letters
      ok = b === tag.charCodeAt(i);
    }
    const term = data[at + tag.length]!;
    if (ok && (term === 0x20 || term === 0x3e)) return true;
  }
  return false;
}

/** Go's http.DetectContentType. */
export function detectContentType(input: Uint8Array): string {
  const data = input.length > 512 ? input.subarray(0, 512) : input;
  let ws = 0;
  while (ws < data.length && isWhitespace(data[ws]!)) ws++;
  if (htmlAt(data, ws)) return 'text/html; charset=utf-8';
  if (startsWith(data, ws, '<?xml')) return 'text/xml; charset=utf-8';
  for (const [sig, type] of MAGIC) if (startsWith(data, 0, sig)) return type;
  if (startsWith(data, 0, 'RIFF') && startsWith(data, 8, 'WEBPVP')) return 'image/webp';
  for (const b of data) {
    if (b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f)) return 'application/octet-stream';
  }
  return 'text/plain; charset=utf-8';
}
