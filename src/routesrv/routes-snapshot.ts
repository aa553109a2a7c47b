/**
 * The routes a route server serves: eskip text, its strong ETag (sha256 of the text) and modification time,
 * replaced as a whole on every update so a request always sees one consistent generation.
 */
import { createHash } from 'node:crypto';
import type { RouteDef } from '../eskip/index.ts';
import { print } from '../eskip/index.ts';

export interface RoutesSnapshot {
  readonly body: Buffer;
  readonly etag: string;
  readonly lastModified: Date;
  readonly count: number;
}

/** Builds the next snapshot; returns `previous` itself when the text did not change (ETag stays valid). */
export function nextSnapshot(routes: readonly RouteDef[], previous: RoutesSnapshot | undefined): RoutesSnapshot {
  const text = print(routes);
  const body = Buffer.from(text.endsWith('\n') || text === '' ? text : text + '\n', 'utf8');
  if (previous && previous.body.equals(body)) return previous;
  return {
    body,
    etag: `"${createHash('sha256').update(body).digest('hex')}"`,
    lastModified: new Date(),
    count: routes.length,
  };
}
