/**
 * `-routes-file`: an eskip file, watched. The file's stat is polled (which survives editors and ConfigMap
 * updates that replace the file by rename); a change is read only once the stat stays the same for a short
 * settle time, so a truncate-then-write is not taken for an empty route list. A broken edit keeps the last
 * good routes and reports file:line:col through onError.
 */
import { readFile, stat } from 'node:fs/promises';
import { SkipjackError } from '../errors.ts';
import { parse } from '../eskip/index.ts';
import type { RouteSource } from './types.ts';

export interface RoutesFileOptions {
  /** How often the file's stat is checked. */
  pollIntervalMs?: number;
  /** How long a changed stat must stay unchanged before the file is read. */
  settleMs?: number;
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
  let lastText: string | null = null;

  async function load(): Promise<ReturnType<typeof parse>> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new SkipjackError('SKJ_ERR_SOURCE_LOAD', `routes file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
    const routes = parse(text, { file });
    lastText = text;
    return routes;
  }

  return {
    name: `file:${file}`,
    async start(onUpdate, onError) {
      lastPrint = await statPrint(file);
      onUpdate({ routes: await load() });
      const tick = async (): Promise<void> => {
        if (stopped) return;
        try {
          const now = await statPrint(file);
          if (now !== lastPrint) {
            await new Promise((r) => setTimeout(r, settleMs));
            const settled = await statPrint(file);
            if (settled === now && !stopped) {
              lastPrint = now;
              if (now === null) throw new SkipjackError('SKJ_ERR_SOURCE_LOAD', `routes file ${file}: removed; keeping the last good routes`);
              const text = await readFile(file, 'utf8');
              if (text !== lastText) {
                const routes = parse(text, { file });
                lastText = text;
                onUpdate({ routes });
              }
            }
          }
        } catch (err) {
          onError(err as Error);
        } finally {
          if (!stopped) timer = setTimeout(tick, pollMs).unref();
        }
      };
      timer = setTimeout(tick, pollMs).unref();
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}
