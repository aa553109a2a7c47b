/** host:port of an http(s) URL, the port defaulted by scheme (80, 443), as endpoints are keyed everywhere. */
export function hostPort(u: URL): string {
  const port = u.port !== '' ? u.port : u.protocol === 'https:' ? '443' : '80';
  return `${u.hostname}:${port}`;
}
