/** URL path decoding as Go's net/url does it (URL.Path from URL.EscapedPath). */

/** Decodes %XX escapes ("%2F" included, "+" kept); null on a malformed escape, like Go's url.PathUnescape. */
export function unescapePath(escaped: string): string | null {
  if (escaped.indexOf('%') === -1) return escaped;
  try {
    return decodeURIComponent(escaped);
  } catch {
    return null;
  }
}

/** The decoded path, or `p` itself when an escape is malformed (routing matches such a path undecoded). */
export function decodePath(p: string): string {
  return unescapePath(p) ?? p;
}
