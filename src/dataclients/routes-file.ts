/**
 * `-routes-file`: an eskip file, watched. The file's stat is polled (which survives editors and ConfigMap
 * updates that replace the file by rename), and checked at once when its directory reports an event; a
 * change is taken only once the stat stays the same for a short settle time (the file is read meanwhile), so
 * a truncate-then-write is not taken for an empty route list. What the text means (broken
 * routes, an empty file, a file too large) is route-text.ts's rule; an unreadable or removed file keeps the
 * last good routes and is reported through onError. A changed file is parsed again only where its bytes
 * changed (eskip-chunks.ts), and where they changed is found while reading the file (file-buffers.ts): one
 * route changed among a million costs a few kB of parsing, and the other routes keep their definition
 * objects, so nothing downstream rebuilds them.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { SkipjackError } from '../errors.ts';
import type { RouteDef } from '../eskip/index.ts';
import { ChunkedDocument } from './eskip-chunks.ts';
import { FileBuffers, type FileRead } from './file-buffers.ts';
import { checkNotEmpty, checkSourceSize, routesFromParse } from './route-text.ts';
import type { RouteSource, RouteSourceUpdate } from './types.ts';

export interface RoutesFileOptions {
  /** How often the file's stat is checked. */
  pollIntervalMs?: number;
  /** How long a changed stat must stay unchanged before the file is read. */
  settleMs?: number;
  /** -max-route-source-bytes; 0 for no bound. */
  maxBytes?: number;
}

function fingerprint(s: { mtimeMs: number; size: number; ino: number; ctimeMs: number }): string {
  return `${s.mtimeMs}:${s.ctimeMs}:${s.size}:${s.ino}`;
}

async function statPrint(file: string): Promise<string | null> {
  try {
    return fingerprint(await stat(file));
  } catch {
    return null;
  }
}

export function createRoutesFileSource(file: string, o: RoutesFileOptions = {}): RouteSource {
  const pollMs = o.pollIntervalMs ?? 100;
  const settleMs = o.settleMs ?? 40;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let lastPrint: string | null = null;
  let lastRoutes: RouteDef[] | null = null;
  const doc = new ChunkedDocument(file);
  // The file's bytes, held once: a new version is compared with them piece by piece and patched into them.
  const buffers = new FileBuffers(file);

  /** The file, read and compared with the version held (which it leaves as it is); refused unread when too large. */
  async function read(): Promise<FileRead> {
    try {
      checkSourceSize(`routes file ${file}`, (await stat(file)).size, o.maxBytes ?? 0);
      return await buffers.read();
    } catch (err) {
      if (err instanceof SkipjackError) throw err;
      throw new SkipjackError('SKJ_ERR_SOURCE_LOAD', `routes file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
  }

  /** The update for a version read, or null when the text did not change. */
  async function load(r: FileRead): Promise<RouteSourceUpdate | null> {
    // Bytes, not characters: "empty" means a zero-byte file either way.
    checkNotEmpty(file, r.size, lastRoutes);
    const bytes = buffers.take(r);
    // Sliced: a file of a million routes takes seconds to parse, during which the current routes keep serving;
    // where a changed one differs was found while reading it (file-buffers.ts).
    const parsed = await doc.parseSliced(bytes, {}, r.difference);
    if (parsed.unchanged) return null;
    const u = routesFromParse(file, parsed, bytes.length, lastRoutes);
    // The document's change holds when its list went out as it is (not copied to keep a last good definition).
    if (parsed.change !== undefined && u.routes === parsed.routes && parsed.change.from === lastRoutes) u.change = parsed.change;
    lastRoutes = u.routes;
    return u;
  }

  let watcher: FSWatcher | null = null;
  let ticking = false;
  /** A stat check now: the poll's, or a watch event's; one at a time. */
  let tick: () => Promise<void> = async () => {};
  const wake = (): void => {
    if (stopped || ticking) return;
    if (timer !== null) clearTimeout(timer);
    void tick();
  };

  return {
    name: `file:${file}`,
    async start(onUpdate, onError) {
      lastPrint = await statPrint(file);
      onUpdate((await load(await read()))!);
      tick = async (): Promise<void> => {
        if (stopped) return;
        ticking = true;
        try {
          const now = await statPrint(file);
          if (now !== lastPrint) {
            // The read starts at once and the settle time runs beside it; what was read is taken only when the
            // stat, taken before the read began, is still the same once both ended: nothing wrote to the file
            // from before the read until settleMs later, as when the read followed the settle time (a 260 MB
            // file takes longer to read than to settle, so a change waits for the read alone).
            const reading = now === null ? null : read().then((r) => ({ r }), (e: unknown) => ({ e }));
            await new Promise((r) => setTimeout(r, settleMs));
            const got = await reading;
            const settled = await statPrint(file);
            if (settled === now && !stopped) {
              lastPrint = now;
              if (got === null) throw new SkipjackError('SKJ_ERR_SOURCE_LOAD', `routes file ${file}: removed; keeping the last good routes`);
              if ('e' in got) throw got.e;
              const u = await load(got.r);
              if (u !== null) onUpdate(u);
            }
          }
        } catch (err) {
          onError(err as Error);
        } finally {
          ticking = false;
          if (!stopped) timer = setTimeout(tick, pollMs).unref();
        }
      };
      timer = setTimeout(tick, pollMs).unref();
      // The directory is watched, not the file: an editor or a ConfigMap replaces the file by rename. A watch
      // event only brings the next stat check forward; the poll stays, for file systems without events.
      try {
        watcher = watch(dirname(file), { persistent: false }, (_event, name) => {
          if (name === null || name === basename(file)) wake();
        });
        watcher.on('error', () => {
          watcher?.close();
          watcher = null;
        });
      } catch {
        watcher = null;
      }
    },
    async stop() {
      stopped = true;
      watcher?.close();
      if (timer !== null) clearTimeout(timer);
    },
  };
}
