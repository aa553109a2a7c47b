/**
 * Request smuggling defences that node:http's parser leaves to us. The parser already answers 400 for
 * Content-Length together with Transfer-Encoding, repeated or list-valued Content-Length, a
 * Transfer-Encoding whose last coding is not chunked, and obs-folded framing headers (see
 * test/proxy/smuggling.test.ts). It accepts `gzip, chunked` (a coding we cannot forward, since
 * Transfer-Encoding is hop-by-hop) and repeated Host headers (RFC 9112 §3.2: must be 400). These checks
 * also hold when a listener runs with the lenient parser.
 */
import type { IncomingMessage } from 'node:http';
import { ProxyError } from './errors.ts';

function bad(message: string): ProxyError {
  return new ProxyError('SKJ_ERR_PROXY_BAD_REQUEST', message);
}

/** Null when the framing is acceptable, else the reason for a 400. */
export function checkFraming(req: IncomingMessage): ProxyError | null {
  const h = req.headers;
  const te = h['transfer-encoding'];
  if (te !== undefined) {
    if (h['content-length'] !== undefined) return bad('both Content-Length and Transfer-Encoding');
    if (te.trim().toLowerCase() !== 'chunked') return bad(`unsupported Transfer-Encoding ${JSON.stringify(te)}`);
  }
  const raw = req.rawHeaders;
  let hosts = 0;
  let cl: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') {
      if (++hosts > 1) return bad('more than one Host header');
    } else if (name.length === 14 && name.toLowerCase() === 'content-length') {
      const v = raw[i + 1]!.trim();
      if (!/^\d+$/.test(v)) return bad(`invalid Content-Length ${JSON.stringify(v)}`);
      if (cl !== null && cl !== v) return bad('conflicting Content-Length headers');
      cl = v;
    } else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding' && te === undefined) {
      return bad('empty Transfer-Encoding');
    }
  }
  return null;
}
