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

/**
 * Null when the framing is acceptable, else the reason for the rejection (400, 501 or 505, as nginx answers).
 * A rejected request ends its connection: the proxy answers with Connection: close and the listener starts
 * nothing that was pipelined after it (src/server/http-server.ts).
 */
export function checkFraming(req: IncomingMessage): ProxyError | null {
  // RFC 9112 §2.3: the major version selects the message syntax; this parser speaks only HTTP/1.
  if (req.httpVersionMajor !== 1) {
    return new ProxyError('SKJ_ERR_PROXY_HTTP_VERSION', `HTTP version ${req.httpVersion} is not supported on an HTTP/1 connection`);
  }
  const h = req.headers;
  const te = h['transfer-encoding'];
  if (te !== undefined) {
    if (h['content-length'] !== undefined) return bad('both Content-Length and Transfer-Encoding');
    // RFC 9112 §6.1: a 1.0 request with Transfer-Encoding has faulty framing (1.0 has no transfer codings).
    if (req.httpVersionMinor === 0) return bad('Transfer-Encoding in an HTTP/1.0 request');
    const codings = te.toLowerCase().split(',');
    if (codings.length > 1 && codings[codings.length - 1]!.trim() === 'chunked') {
      // RFC 9112 §6.1: a transfer coding the server does not implement is 501; Transfer-Encoding is
      // hop-by-hop, so the coding cannot be left to the backend either.
      return new ProxyError('SKJ_ERR_PROXY_NOT_IMPLEMENTED', `unsupported transfer coding in Transfer-Encoding ${JSON.stringify(te)}`);
    }
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
