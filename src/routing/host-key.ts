/** The route table's host index key, shared with the host predicates that declare their keys. */

/**
 * The index key of a Host header value: the value without a `:digits` port and one trailing dot. Any host
 * a literal pattern accepts has its literal as key, so routes under other keys can be skipped unseen.
 */
export function hostKey(host: string): string {
  let end = host.length;
  let i = end - 1;
  while (i >= 0 && host.charCodeAt(i) >= 48 && host.charCodeAt(i) <= 57) i--;
  if (i >= 0 && i < end - 1 && host.charCodeAt(i) === 58) end = i;
  if (end > 0 && host.charCodeAt(end - 1) === 46) end--;
  return end === host.length ? host : host.slice(0, end);
}
