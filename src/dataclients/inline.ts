/** `-inline-routes`: routes given on the command line; parsed once (route by route), never change. */
import { checkSourceSize, routesFromTextSliced } from './route-text.ts';
import type { RouteSource } from './types.ts';

export function createInlineSource(text: string, maxBytes = 0): RouteSource {
  return {
    name: 'inline',
    async start(onUpdate) {
      checkSourceSize('inline-routes', Buffer.byteLength(text), maxBytes);
      // A broken route is reported as "inline-routes:line:col: …"; the others are served.
      onUpdate(await routesFromTextSliced('inline-routes', text, null));
    },
    async stop() {},
  };
}
